package org.vecformer.cli.command.train;

import java.util.ArrayDeque;

/**
 * Throughput over the recent past rather than since the start (which the first, slower steps of JIT compilation and
 * cache warm-up drag down for the whole run): the rate and time per step over the steps of the last {@link #NANOS}
 * (at least the last step, at most {@link #STEPS}). Each step's end time is recorded; with ends t₀ … tₖ kept,
 * {@code rate = k·units / (tₖ − t₀)}. The window is a span of time, not a few steps: the steps that evaluate the
 * held-out loss and write a snapshot or checkpoint are slower, and the progress line is printed right after them, so
 * a window of ten 12 ms steps holding one such step showed half the real rate and twice the remaining time.
 */
final class RecentRate {
    /** Steps kept at most, which bounds the memory of runs of very fast steps. */
    static final int STEPS = 10_000;
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
