package org.vecformer.engine.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** {@link BestOf} on a simulated clock: each call advances it by a programmed duration, so the test is exact. */
class BestOfTest {
    /** A JIT that never compiles: only the simulated clock decides stability. */
    private static final LongSupplier NO_JIT = () -> 0;

    /** A work whose i-th call takes {@code ms[min(i, last)]} milliseconds of the simulated clock (its own, or a shared one). */
    private static final class Work implements Runnable {
        final long[] ms;
        final long[] clock;
        long now;
        int calls;

        Work(long... ms) {
            this(new long[1], ms);
        }

        Work(long[] clock, long... ms) {
            this.clock = clock;
            this.ms = ms;
        }

        @Override
        public void run() {
            long d = ms[Math.min(calls++, ms.length - 1)] * 1_000_000L;
            now += d;
            clock[0] += d;
        }
    }

    @Test
    void warmsUpUntilTwoRoundsAgreeAndReportsTheCallsItDiscarded() {
        // a JIT-like speed-up: 12, 10, 8, 6, 4, 2 ms, then 1 ms from the 7th call on; rounds of 2 timed calls
        Work w = new Work(12, 10, 8, 6, 4, 2, 1);
        BestOf.Timing t = BestOf.time(w, 2, 0, () -> w.now, NO_JIT);
        assertEquals(1e-3, t.seconds(), 1e-12);
        // warm-up 1 call; rounds: {10, 8} -> 8, {6, 4} -> 4, {2, 1} -> 1, {1, 1} -> 1 stable: discarded 1 + 2 + 2
        assertEquals(5, t.discardedCalls());
    }

    @Test
    void aStableWorkStopsAfterTwoRoundsAndAnUnstableOneAfterTheCap() {
        Work steady = new Work(3);
        BestOf.Timing t = BestOf.time(steady, 4, 10, () -> steady.now, NO_JIT);
        assertEquals(3e-3, t.seconds(), 1e-12);
        assertEquals(5, t.discardedCalls(), "warm-up: the first call, then 10 ms of calls of 3 ms (4); the first two rounds agree");

        long[] halving = new long[40];
        for (int i = 0; i < halving.length; i++) halving[i] = 1L << (halving.length - i);
        Work unstable = new Work(halving);
        BestOf.Timing u = BestOf.time(unstable, 1, 0, () -> unstable.now, NO_JIT);
        assertEquals(1 + BestOf.MAX_ROUNDS - 1, u.discardedCalls(), "warm-up call and every round but the last");
    }

    @Test
    void twoRoundsThatAgreeWhileTheJitIsCompilingAreNotStable() {
        // the same 5 ms every call (a plateau before C2 has finished), while the JIT compiles through the 6th call
        Work w = new Work(5);
        BestOf.Timing t = BestOf.time(w, 2, 0, () -> w.now, () -> Math.min(w.calls, 6));
        assertEquals(5e-3, t.seconds(), 1e-12);
        // warm-up 1 call; rounds {2, 3}, {4, 5}, {6, 7} each saw a compilation; {8, 9} agrees with {6, 7} and saw none
        assertEquals(1 + 2 + 2, t.discardedCalls());
        assertEquals(9, w.calls);
        // without the JIT clock the second round would already have been taken as stable
        Work plain = new Work(5);
        assertEquals(1, BestOf.time(plain, 2, 0, () -> plain.now, NO_JIT).discardedCalls());
    }

    @Test
    void alternatingStabilisesEachWorkThenKeepsItsBestOverTheAlternatingRounds() {
        long[] clock = new long[1];
        // fast: 4 ms, 2 ms, then 1 ms; slow: 30 ms, five calls of 20 ms, then 10 ms (a late speed-up, or load that went away)
        Work fast = new Work(clock, 4, 2, 1);
        Work slow = new Work(clock, 30, 20, 20, 20, 20, 20, 10);
        BestOf.Timing[] t = BestOf.alternating(1, 3, 50, () -> clock[0], NO_JIT, fast, slow);
        // each alone first: fast's first call (4 ms), then 50 ms of calls (2 + 48 of 1 ms: 50 calls in all), then {1}, {1}
        // agree; slow's first call (30 ms), then 50 ms of calls (20 + 20 + 20: 4 calls in all), then {20}, {20} agree; three
        // alternating rounds: fast 1, 1, 1; slow 10, 10, 10
        assertEquals(1e-3, t[0].seconds(), 1e-12);
        assertEquals(50, t[0].discardedCalls());
        assertEquals(10e-3, t[1].seconds(), 1e-12, "the alternating rounds' best counts");
        assertEquals(4, t[1].discardedCalls());
    }

    @Test
    void ratioIsTheSlowBestOverTheFastBest() {
        long[] clock = new long[1];
        Work fast = new Work(clock, 2);
        Work slow = new Work(clock, 14);
        assertEquals(7, BestOf.ratio(fast, slow, 4, 0, () -> clock[0], NO_JIT), 0);
        assertEquals(1 + 2 + 4, fast.calls, "one warm-up call, two stable rounds, four alternating rounds");
        assertEquals(1 + 2 + 4, slow.calls);
    }
}
