package org.vecformer.cli.command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Wall time of the consecutive phases of a command, shown as one line on standard error:
 * {@code "time: load 1.20 s, head scores 0.85 s, ... (total 3.10 s)"}. Each {@link #end} charges the time since the
 * previous one (or since construction) to its phase; a phase ended twice adds up.
 */
public final class PhaseTimes {
    private final LongSupplier clock;
    private final long start;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long mark;

    public PhaseTimes() {
        this(System::nanoTime);
    }

    /** With a given clock in nanoseconds, for tests. */
    public PhaseTimes(LongSupplier clock) {
        this.clock = clock;
        this.start = clock.getAsLong();
        this.mark = start;
    }

    /** Charges the time since the last phase ended to {@code phase}. */
    public void end(String phase) {
        long now = clock.getAsLong();
        nanos.merge(phase, now - mark, Long::sum);
        mark = now;
    }

    /** Nanoseconds since construction. */
    long total() {
        return clock.getAsLong() - start;
    }

    /** "time: phase1 1.20 s, phase2 0.03 s (total 1.23 s)", the phases in the order they first ended. */
    public String line() {
        StringBuilder s = new StringBuilder("time:");
        String sep = " ";
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            s.append(sep).append(e.getKey()).append(String.format(Locale.ROOT, " %.2f s", e.getValue() * 1e-9));
            sep = ", ";
        }
        return s.append(String.format(Locale.ROOT, " (total %.2f s)", total() * 1e-9)).toString();
    }

    /** Prints {@link #line} on {@code err} when {@code always} or when the run took at least {@link ProgressLine#QUIET_NANOS}. */
    public void print(PrintWriter err, boolean always) {
        if (!always && total() < ProgressLine.QUIET_NANOS) return;
        err.println(line());
        err.flush();
    }
}
