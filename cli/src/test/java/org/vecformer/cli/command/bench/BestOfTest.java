package org.vecformer.cli.command.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link BestOf} on a simulated clock: each call advances it by a programmed duration, so the test is exact. */
class BestOfTest {
    /** A work whose i-th call takes {@code ms[min(i, last)]} milliseconds of the simulated clock. */
    private static final class Work implements Runnable {
        final long[] ms;
        long now;
        int calls;

        Work(long... ms) {
            this.ms = ms;
        }

        @Override
        public void run() {
            now += ms[Math.min(calls++, ms.length - 1)] * 1_000_000L;
        }
    }

    @Test
    void warmsUpUntilTwoRoundsAgreeAndReportsTheCallsItDiscarded() {
        // a JIT-like speed-up: 12, 10, 8, 6, 4, 2 ms, then 1 ms from the 7th call on; rounds of 2 timed calls
        Work w = new Work(12, 10, 8, 6, 4, 2, 1);
        BestOf.Timing t = BestOf.time(w, 2, 0, () -> w.now);
        assertEquals(1e-3, t.seconds(), 1e-12);
        // warm-up 1 call; rounds: {10, 8} -> 8, {6, 4} -> 4, {2, 1} -> 1, {1, 1} -> 1 stable: discarded 1 + 2 + 2
        assertEquals(5, t.discardedCalls());
    }

    @Test
    void aStableWorkStopsAfterTwoRoundsAndAnUnstableOneAfterTheCap() {
        Work steady = new Work(3);
        BestOf.Timing t = BestOf.time(steady, 4, 10, () -> steady.now);
        assertEquals(3e-3, t.seconds(), 1e-12);
        assertEquals(4, t.discardedCalls(), "warm-up of 10 ms is 4 calls of 3 ms; the first two rounds agree");

        long[] halving = new long[40];
        for (int i = 0; i < halving.length; i++) halving[i] = 1L << (halving.length - i);
        Work unstable = new Work(halving);
        BestOf.Timing u = BestOf.time(unstable, 1, 0, () -> unstable.now);
        assertEquals(1 + BestOf.MAX_ROUNDS - 1, u.discardedCalls(), "warm-up call and every round but the last");
    }
}
