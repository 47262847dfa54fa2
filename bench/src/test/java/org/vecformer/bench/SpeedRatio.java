package org.vecformer.bench;

/**
 * How many times faster one piece of work runs than another, measured in this JVM on the same input.
 * Both sides are warmed up, then timed alternately in several rounds; the best time of each side counts,
 * so a noisy machine slows both and the ratio holds.
 */
final class SpeedRatio {
    private SpeedRatio() {}

    static double of(Runnable fast, Runnable slow, int rounds) {
        for (int i = 0; i < 3; i++) {
            fast.run();
            slow.run();
        }
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
