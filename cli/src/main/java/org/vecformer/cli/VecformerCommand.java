package org.vecformer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.analysis.AblateCommand;
import org.vecformer.cli.command.analysis.AttentionCommand;
import org.vecformer.cli.command.analysis.AttributeCommand;
import org.vecformer.cli.command.analysis.CacheCommand;
import org.vecformer.cli.command.analysis.CircuitsCommand;
import org.vecformer.cli.command.analysis.PatchCommand;
import org.vecformer.cli.command.bench.BenchCommand;
import org.vecformer.cli.command.bench.InfoCommand;
import org.vecformer.cli.command.data.DataCommand;
import org.vecformer.cli.command.data.TokenizeCommand;
import org.vecformer.cli.command.data.TokenizerCommand;
import org.vecformer.cli.command.model.ExportCommand;
import org.vecformer.cli.command.model.GenerateCommand;
import org.vecformer.cli.command.model.ImportCommand;
import org.vecformer.cli.command.model.InspectCommand;
import org.vecformer.cli.command.model.RunCommand;
import org.vecformer.cli.command.train.DemoCommand;
import org.vecformer.cli.command.train.TrainCommand;

/** The root command: lists the subcommands. */
@Command(name = "vecformer",
        mixinStandardHelpOptions = true,
        versionProvider = VecformerCommand.Version.class,
        description = "Pure-Java SIMD transformer engine for studying transformer circuits.",
        subcommands = {InfoCommand.class, BenchCommand.class, InspectCommand.class, ImportCommand.class, ExportCommand.class, RunCommand.class, GenerateCommand.class,
                TrainCommand.class, DataCommand.class, CircuitsCommand.class, AttentionCommand.class, AttributeCommand.class, AblateCommand.class, CacheCommand.class, PatchCommand.class,
                TokenizeCommand.class, TokenizerCommand.class, DemoCommand.class})
public final class VecformerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", description = "Show the stack trace of a failure, and the per-phase times of commands that report them (circuits, import).", scope = ScopeType.INHERIT)
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = VecformerCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {
                "vecformer " + p.getProperty("version", "unknown"),
                "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
            };
        }
    }
}
