package org.vecformer.cli;

import java.io.PrintWriter;
import org.vecformer.engine.kernel.Simd;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code vecformer}. Usage errors print one line and a hint, exit 2; failures while
 * running print one line, exit 1; {@code --verbose} adds the stack trace. Never a bare stack trace.
 */
public final class Main {
    /** Exit code of a failure while running. */
    public static final int FAILURE = 1;
    /** Exit code of a usage error (unknown command, bad option or value). */
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Simd.fallback().ifPresent(note -> err.println("vecformer: note: " + note));
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new VecformerCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, line, parsed) -> failure(e, line, parsed));
        return cli;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && !cmd.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().getFirst() + "' (commands: "
                    + String.join(", ", cmd.getSubcommands().keySet()) + ")";
        }
        err.println("vecformer: " + message);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return USAGE;
    }

    private static int failure(Exception e, CommandLine line, ParseResult parsed) {
        PrintWriter err = line.getErr();
        if (e instanceof UsageException) {
            err.println("vecformer: " + e.getMessage());
            err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println("vecformer: error: " + message);
        if (verbose(parsed)) e.printStackTrace(err);
        else err.println("(run again with --verbose for the stack trace)");
        return FAILURE;
    }

    /** True when {@code --verbose} was given on the command line of {@code parsed} (the root's parse result) or a subcommand. */
    public static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }
}
