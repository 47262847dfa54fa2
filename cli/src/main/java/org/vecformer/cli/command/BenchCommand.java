package org.vecformer.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vecformer bench ...}: quick best-of-N figures of the hot paths on this machine (JMH lives in {@code bench/}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Quick speed figures of the kernels on this machine (best of several runs after warm-up).",
        subcommands = {BenchGemmCommand.class, BenchAttentionCommand.class, BenchSoftmaxCommand.class,
                BenchForwardCommand.class, BenchDotCommand.class, BenchPeakCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
