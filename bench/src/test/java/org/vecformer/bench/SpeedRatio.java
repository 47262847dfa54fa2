package org.vecformer.bench;

/**
 * How many times faster one piece of work runs than another, measured in this JVM on the same input.
 * The fast side is warmed up for a while (C2 needs seconds to compile a large kernel on a busy machine),
 * then both are timed alternately in several rounds; the best time of each side counts, so a noisy
 * machine slows both and the ratio holds.
 */
final class SpeedRatio {
    private SpeedRatio() {}

    /** Milliseconds the fast side runs before timing starts. */
    private static final long WARMUP_MILLIS = 2000;

    static double of(Runnable fast, Runnable slow, int rounds) {
        long warmEnd = System.nanoTime() + WARMUP_MILLIS * 1_000_000L;
        do fast.run(); while (System.nanoTime() < warmEnd);
        slow.run();
        long bestFast = Long.MAX_VALUE, bestSlow = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            bestFast = Math.min(bestFast, time(fast));
            bestSlow = Math.min(bestSlow, time(slow));
        }
        return (double) bestSlow / bestFast;
    }

    private static long time(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return System.nanoTime() - t0;
    }
}
