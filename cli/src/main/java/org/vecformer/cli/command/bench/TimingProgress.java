package org.vecformer.cli.command.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.vecformer.cli.command.ProgressLine;
import org.vecformer.cli.command.Words;

/**
 * Progress of a timed benchmark whose number of calls is not known ahead ({@link org.vecformer.engine.diag.BestOf} warms
 * up and then times rounds until two agree): "what: N calls, fastest so far, elapsed" on standard error. The fastest call
 * counts warm-up and unsettled rounds too, which the result leaves out, so the result can read slower than the progress
 * did (a d_model 512 training step showed 198 ms here and 234 ms as its result on a host whose speed drifted). Quiet for the first
 * {@link ProgressLine#QUIET_NANOS}, so short benchmarks print nothing; then one line rewritten on a terminal at most every
 * {@link #TERMINAL_EVERY_NANOS}, and otherwise a plain line at most every {@link #PLAIN_EVERY_NANOS}, so a log stays
 * short. Between lines a call costs two clock reads and a comparison: a GEMM of a few microseconds timed this way is not
 * slowed by formatting a line it does not print.
 */
final class TimingProgress {
    /** Least time between two plain lines when standard error is not a terminal. */
    static final long PLAIN_EVERY_NANOS = 30_000_000_000L;
    /** Least time between two rewrites of the line on a terminal. */
    static final long TERMINAL_EVERY_NANOS = 200_000_000L;
    private final PrintWriter err;
    private final String what;
    private final double unitsPerCall;
    private final String unit;
    private final LongSupplier clock;
    private final boolean terminal;
    private final long start;
    private long lastLine = Long.MIN_VALUE;
    private long calls;
    private double bestSeconds = Double.POSITIVE_INFINITY;
    private boolean printedOnTerminal;

    /** Reports calls of a work that does {@code unitsPerCall} units, the best shown per unit ("ms/step"). */
    TimingProgress(PrintWriter err, String what, double unitsPerCall, String unit) {
        this(err, what, unitsPerCall, unit, System::nanoTime, ProgressLine.onTerminal());
    }

    /** With a given clock (nanoseconds) and terminal flag, for tests. */
    TimingProgress(PrintWriter err, String what, double unitsPerCall, String unit, LongSupplier clock, boolean terminal) {
        this.err = err;
        this.what = what;
        this.unitsPerCall = unitsPerCall;
        this.unit = unit;
        this.clock = clock;
        this.terminal = terminal;
        this.start = clock.getAsLong();
    }

    /** {@code work}, timed and reported on each call. */
    Runnable wrap(Runnable work) {
        return () -> {
            long t0 = clock.getAsLong();
            work.run();
            long t1 = clock.getAsLong();
            called((t1 - t0) * 1e-9, t1);
        };
    }

    private void called(double seconds, long now) {
        calls++;
        bestSeconds = Math.min(bestSeconds, seconds);
        long elapsed = now - start;
        if (elapsed < ProgressLine.QUIET_NANOS) return;
        if (lastLine != Long.MIN_VALUE && now - lastLine < (terminal ? TERMINAL_EVERY_NANOS : PLAIN_EVERY_NANOS)) return;
        lastLine = now;
        String line = String.format(Locale.ROOT, "%s: %d call%s, fastest so far %.3f %s, %s", what, calls, calls == 1 ? "" : "s",
                bestSeconds / unitsPerCall * 1e3, unit, Words.duration(elapsed * 1e-9));
        if (terminal) {
            err.print("\r" + line);
            printedOnTerminal = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the rewritten line, if one was printed, so what follows starts on a line of its own. */
    void finish() {
        if (printedOnTerminal) {
            err.println();
            err.flush();
        }
    }
}
