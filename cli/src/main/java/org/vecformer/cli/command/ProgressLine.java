package org.vecformer.cli.command;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Progress of a long computation on standard error: "what done/total, elapsed, ETA". Quiet for the first
 * {@link #QUIET_NANOS} (short runs print nothing); then one updating line on a terminal, plain lines otherwise.
 */
public final class ProgressLine {
    public static final long QUIET_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private final String what;
    private final int total;
    private final LongSupplier clock;
    private final long start;
    private final boolean terminal;
    private int finished;

    public ProgressLine(PrintWriter err, String what, int total) {
        this(err, what, total, System::nanoTime, onTerminal());
    }

    /** True when standard output is an interactive terminal (progress then rewrites one line). */
    public static boolean onTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    /** With a given clock (nanoseconds) and terminal flag, for tests. */
    public ProgressLine(PrintWriter err, String what, int total, LongSupplier clock, boolean terminal) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.terminal = terminal;
    }

    /** Reports one more unit finished (counted here, so threads may call it concurrently). */
    public synchronized void advance() {
        done(++finished);
    }

    /** Reports {@code done} of the total units finished (the last call, done == total, ends the line). */
    public synchronized void done(int done) {
        long elapsed = clock.getAsLong() - start;
        if (elapsed < QUIET_NANOS) return;
        double seconds = elapsed * 1e-9, eta = seconds / done * (total - done);
        String line = String.format("%s %d/%d  %.0f s  ETA %s", what, done, total, seconds, Words.duration(eta));
        if (terminal) err.print("\r" + line + (done == total ? "\n" : ""));
        else err.println(line);
        err.flush();
    }
}
