package org.vecformer.cli.command.bench;

import java.util.function.LongSupplier;

/**
 * Times a piece of work the way quick benchmarks should: warm up until the time is stable (so C2 has compiled it and
 * the first shape of a list is not measured half-interpreted), then keep the best of several timed runs. Best-of
 * rejects interference from a busy machine; JMH in {@code bench/} gives the full distribution.
 */
public final class BestOf {
    /** Stable means a round of timed runs whose best is within this fraction of the previous round's best. */
    static final double STABLE = 0.03;
    /** At most this many rounds of timed runs before giving up on stability and keeping the last one. */
    static final int MAX_ROUNDS = 8;

    private BestOf() {}

    /** The best time and how many calls ran before the rounds it came from (warm-up and unstable rounds). */
    public record Timing(double seconds, long discardedCalls) {}

    /** Seconds of the fastest call; see {@link #time}. */
    public static double seconds(Runnable work, int runs, long warmupMillis) {
        return time(work, runs, warmupMillis).seconds();
    }

    /**
     * Calls {@code work} for at least {@code warmupMillis}, then in rounds of {@code runs} timed calls until a round's
     * best is within {@value #STABLE} (relative) of the round before it, or {@value #MAX_ROUNDS} rounds have run; returns
     * the better of the last two rounds' best and the number of calls discarded before them.
     */
    public static Timing time(Runnable work, int runs, long warmupMillis) {
        return time(work, runs, warmupMillis, System::nanoTime);
    }

    /** {@link #time(Runnable, int, long)} on a given nanosecond clock (tests drive it). */
    static Timing time(Runnable work, int runs, long warmupMillis, LongSupplier clock) {
        long calls = 0;
        long warmEnd = clock.getAsLong() + warmupMillis * 1_000_000L;
        do {
            work.run();
            calls++;
        } while (clock.getAsLong() < warmEnd);
        long previous = round(work, runs, clock);
        long discarded = calls;
        for (int r = 1; r < MAX_ROUNDS; r++) {
            long best = round(work, runs, clock);
            boolean stable = Math.abs(best - previous) <= STABLE * previous;
            if (stable) return new Timing(Math.min(best, previous) / 1e9, discarded);
            discarded += runs;
            previous = best;
        }
        return new Timing(previous / 1e9, discarded);
    }

    private static long round(Runnable work, int runs, LongSupplier clock) {
        long best = Long.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            long t0 = clock.getAsLong();
            work.run();
            best = Math.min(best, clock.getAsLong() - t0);
        }
        return best;
    }
}
