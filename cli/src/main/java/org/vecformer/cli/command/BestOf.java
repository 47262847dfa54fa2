package org.vecformer.cli.command;

/**
 * Times a piece of work the way quick benchmarks should: warm up for a while (so C2 compiles it), then
 * keep the best of several timed runs. Best-of rejects interference from a busy machine; JMH in
 * {@code bench/} gives the full distribution.
 */
public final class BestOf {
    private BestOf() {}

    /** Seconds of the fastest of {@code runs} calls, after calling {@code work} for at least {@code warmupMillis}. */
    public static double seconds(Runnable work, int runs, long warmupMillis) {
        long warmEnd = System.nanoTime() + warmupMillis * 1_000_000L;
        do work.run(); while (System.nanoTime() < warmEnd);
        long best = Long.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            work.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e9;
    }
}
