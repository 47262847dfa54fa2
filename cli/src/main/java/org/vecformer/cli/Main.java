package org.vecformer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.vecformer.model.train.MemoryEstimate;
import org.vecformer.engine.kernel.Simd;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code vecformer}. Every error is one line on standard error: a usage error (unknown command or
 * option, bad value) "vecformer: PROBLEM (vecformer CMD --help)", exit 2; a failure while running
 * "vecformer: error: PROBLEM", exit 1; {@code --verbose} adds the stack trace. An {@link Error} (picocli passes them
 * through) is such a line too: an {@link OutOfMemoryError} names the launcher's option that raises the heap.
 */
public final class Main {
    /** Exit code of a failure while running. */
    public static final int FAILURE = 1;
    /** Exit code of a usage error (unknown command, bad option or value). */
    public static final int USAGE = 2;
    /** How the launcher raises the heap. */
    public static final String RAISE_HEAP = "raise it with VECFORMER_JAVA_OPTS=-Xmx<size>, e.g. -Xmx16g";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Simd.fallback().ifPresent(note -> err.println("vecformer: note: " + note));
        CommandLine cli = commandLine(out, err);
        try {
            return cli.execute(args);
        } catch (Error e) {
            // picocli hands errors on: the heap ran out, or a class could not initialise (e.g. a bad -Dvecformer.threads)
            out.flush();
            if (System.console() != null && System.console().isTerminal()) err.println();
            err.println("vecformer: error: " + switch (e) {
                case OutOfMemoryError oom -> outOfMemory();
                case ExceptionInInitializerError init when init.getCause() instanceof Exception cause -> describe(cause);
                default -> "internal error " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()))
                        + " (run again with --verbose for the stack trace)";
            });
            if (verbose(args)) e.printStackTrace(err);
            return FAILURE;
        }
    }

    /** The line for a heap that ran out, with the JVM's limit. */
    static String outOfMemory() {
        return "out of memory: the JVM may use " + MemoryEstimate.human(Runtime.getRuntime().maxMemory()) + "; " + RAISE_HEAP
                + " (or make the run smaller)";
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new VecformerCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, line, parsed) -> failure(e, line, parsed));
        return cli;
    }

    /** "vecformer: PROBLEM (vecformer CMD --help)". */
    private static String usageLine(CommandLine cmd, String problem) {
        return "vecformer: " + problem + " (" + cmd.getCommandSpec().qualifiedName() + " --help)";
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = firstLine(e.getMessage());
        ParseResult parsed = cmd.getParseResult();
        // picocli reports a missing required option before an unknown one, but the unknown one is usually its misspelling
        List<String> unmatched = e instanceof UnmatchedArgumentException u ? u.getUnmatched() : parsed == null ? List.of() : parsed.unmatched();
        if (!unmatched.isEmpty()) {
            String first = unmatched.getFirst();
            if (first.startsWith("-")) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                List<String> near = new UnmatchedArgumentException(cmd, List.of(name)).getSuggestions();
                message = "unknown option " + name + (near.isEmpty() ? "" : "; did you mean " + near.getFirst() + "?");
            } else if (!cmd.getSubcommands().isEmpty()) {
                message = "unknown command '" + first + "' (commands: " + String.join(", ", cmd.getSubcommands().keySet()) + ")";
            } else {
                message = "unexpected argument '" + first + "'";
            }
        }
        cmd.getErr().println(usageLine(cmd, message));
        return USAGE;
    }

    private static int failure(Exception e, CommandLine line, ParseResult parsed) {
        PrintWriter err = line.getErr();
        line.getOut().flush();
        if (e instanceof UsageException) {
            err.println(usageLine(line, e.getMessage()));
            return USAGE;
        }
        err.println("vecformer: error: " + describe(e));
        if (verbose(parsed)) e.printStackTrace(err);
        return FAILURE;
    }

    /**
     * One line for a failure: I/O errors through {@link IoErrors}, the project's one-line messages as they are, and
     * what only a bug throws (a null dereference, a bad index or cast, no message at all) with its class and the way
     * to see more.
     */
    static String describe(Exception e) {
        return switch (e) {
            case IOException io -> IoErrors.describe(io);
            case UncheckedIOException io -> IoErrors.describe(io);
            case NullPointerException bug -> internal(bug);
            case IndexOutOfBoundsException bug -> internal(bug);
            case ClassCastException bug -> internal(bug);
            case ArithmeticException bug -> internal(bug);
            case NegativeArraySizeException bug -> internal(bug);
            default -> e.getMessage() == null || e.getMessage().isBlank() ? internal(e) : firstLine(e.getMessage());
        };
    }

    private static String internal(Exception e) {
        return "internal error " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()))
                + " (run again with --verbose for the stack trace)";
    }

    /** True when {@code --verbose} was given on the command line of {@code parsed} (the root's parse result) or a subcommand. */
    public static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }

    private static boolean verbose(String[] args) {
        return List.of(args).contains("--verbose");
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
