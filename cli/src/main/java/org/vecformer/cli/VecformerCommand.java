package org.vecformer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.vecformer.cli.command.AblateCommand;
import org.vecformer.cli.command.AttentionCommand;
import org.vecformer.cli.command.AttributeCommand;
import org.vecformer.cli.command.BenchCommand;
import org.vecformer.cli.command.CacheCommand;
import org.vecformer.cli.command.CircuitsCommand;
import org.vecformer.cli.command.DataCommand;
import org.vecformer.cli.command.DemoCommand;
import org.vecformer.cli.command.ExportCommand;
import org.vecformer.cli.command.GenerateCommand;
import org.vecformer.cli.command.ImportCommand;
import org.vecformer.cli.command.InfoCommand;
import org.vecformer.cli.command.InspectCommand;
import org.vecformer.cli.command.PatchCommand;
import org.vecformer.cli.command.RunCommand;
import org.vecformer.cli.command.TokenizeCommand;
import org.vecformer.cli.command.TrainCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the subcommands. */
@Command(name = "vecformer",
        mixinStandardHelpOptions = true,
        versionProvider = VecformerCommand.Version.class,
        description = "Pure-Java SIMD transformer engine for studying transformer circuits.",
        subcommands = {InfoCommand.class, BenchCommand.class, InspectCommand.class, ImportCommand.class, ExportCommand.class, RunCommand.class, GenerateCommand.class,
                TrainCommand.class, DataCommand.class, CircuitsCommand.class, AttentionCommand.class, AttributeCommand.class, AblateCommand.class, CacheCommand.class, PatchCommand.class,
                TokenizeCommand.class, DemoCommand.class})
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
