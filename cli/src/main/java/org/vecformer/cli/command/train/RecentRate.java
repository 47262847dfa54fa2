package org.vecformer.cli.command.train;

import java.util.ArrayDeque;

/**
 * Throughput over the recent past rather than since the start (which the first, slower steps of JIT compilation and
 * cache warm-up drag down for the whole run): the rate and time per step over the last {@link #STEPS} steps, or
 * fewer when those span more than {@link #NANOS}. Each step's end time is recorded; with ends t₀ … tₖ kept,
 * {@code rate = k·units / (tₖ − t₀)}.
 */
final class RecentRate {
    /** Steps kept at most. */
    static final int STEPS = 10;
    /** Oldest step kept, relative to the newest: 5 s. */
    static final long NANOS = 5_000_000_000L;

    private final ArrayDeque<Long> ends = new ArrayDeque<>();

    /** Starts the window at {@code nanos} (the time the first measured step began). */
    RecentRate(long nanos) {
        ends.add(nanos);
    }

    /** Records a step ending at {@code nanos}. */
    void step(long nanos) {
        ends.addLast(nanos);
        while (ends.size() > STEPS + 1 || ends.size() > 2 && nanos - ends.peekFirst() > NANOS) ends.removeFirst();
    }

    /** Seconds per step over the window. */
    double secondsPerStep() {
        return (ends.peekLast() - ends.peekFirst()) * 1e-9 / Math.max(1, ends.size() - 1);
    }

    /** Units per second over the window, for {@code unitsPerStep} units in every step. */
    double perSecond(double unitsPerStep) {
        double s = secondsPerStep();
        return s > 0 ? unitsPerStep / s : 0;
    }
}
