package org.vecformer.cli.command.data;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vecformer data ...}: synthetic data files with a known answer, and scoring a model against that answer. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Synthetic token files with their ground truth, and how close a trained model comes to it.",
        subcommands = {DataBigramCommand.class, DataKlCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
