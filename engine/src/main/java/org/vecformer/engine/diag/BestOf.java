package org.vecformer.engine.diag;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * The one quick timing harness: {@code vecformer bench} figures, the CI ratio guards ({@code bench}'s perf guard) and
 * {@link SimdProbe} all time through it; JMH in {@code bench/} gives the published numbers with their distribution.
 * The rule: warm up until the time is stable (so C2 has compiled the work and the first shape of a list is not measured
 * half-interpreted), then keep the best of several timed runs, since best-of rejects interference from a busy machine.
 * The warm-up time counts from the end of the first call, and stable means two rounds that agree while the JIT
 * finished no compilation during the second: a large kernel runs its first call interpreted (one call of the
 * 1024×1024×64ᵀ GEMM outlasted the whole 500 ms warm-up), then at a slow, steady pace until C2 has compiled it, and
 * two rounds on that plateau agreed (17.6 GFLOPS reported, against 182-187 once the warm-up counted from the first
 * call's end). A compilation still running is invisible to the JIT clock, hence the warm-up after the first call.
 * Works compared with each other are, once each is stable, timed in alternating rounds, so a burst of load slows all of
 * them alike and their ratio holds.
 */
public final class BestOf {
    /** Stable means a round of timed runs whose best is within this fraction of the previous round's best. */
    static final double STABLE = 0.03;
    /** At most this many rounds of timed runs before giving up on stability and keeping the last one. */
    static final int MAX_ROUNDS = 20;
    /** Milliseconds the JIT has spent compiling so far, or a constant where the JVM does not say. */
    private static final LongSupplier JIT = jitMillis();

    private BestOf() {}

    /** The best time and how many calls ran before the rounds it came from (warm-up and unstable rounds). */
    public record Timing(double seconds, long discardedCalls) {}

    /** Seconds of the fastest call; see {@link #time}. */
    public static double seconds(Runnable work, int runs, long warmupMillis) {
        return time(work, runs, warmupMillis).seconds();
    }

    /**
     * Calls {@code work} once and then for at least {@code warmupMillis} more, then in rounds of {@code runs} timed calls until a round's
     * best is within {@value #STABLE} (relative) of the round before it and the JIT compiled nothing during it, or
     * {@value #MAX_ROUNDS} rounds have run; returns the better of the last two rounds' best and the number of calls
     * discarded before them.
     */
    public static Timing time(Runnable work, int runs, long warmupMillis) {
        return time(work, runs, warmupMillis, System::nanoTime, JIT);
    }

    /** {@link #time(Runnable, int, long)} on a given nanosecond clock and JIT compilation clock (tests drive them). */
    static Timing time(Runnable work, int runs, long warmupMillis, LongSupplier clock, LongSupplier jit) {
        work.run();
        long calls = 1;
        for (long warmEnd = clock.getAsLong() + warmupMillis * 1_000_000L; clock.getAsLong() < warmEnd; calls++) work.run();
        return stabilise(work, runs, calls, clock, jit);
    }

    /**
     * Times several works against each other: each is first timed alone as by {@link #time} (its own warm-up of
     * {@code warmupMillis}, then rounds until stable; warming them up in turn instead starved a fast kernel beside a slow
     * twin of the calls C2 needs, and measured it half-interpreted), then {@code rounds} alternating rounds time each one
     * {@code runs} times. Each work's time is the best of its stable rounds and of the alternating ones; its discarded
     * calls are its warm-up calls and unstable rounds.
     */
    public static Timing[] alternating(int runs, int rounds, long warmupMillis, Runnable... works) {
        return alternating(runs, rounds, warmupMillis, System::nanoTime, JIT, works);
    }

    /** {@code slow}'s best time over {@code fast}'s, both timed by {@link #alternating} with single-call rounds. */
    public static double ratio(Runnable fast, Runnable slow, int rounds, long warmupMillis) {
        return ratio(fast, slow, rounds, warmupMillis, System::nanoTime, JIT);
    }

    /** {@link #ratio(Runnable, Runnable, int, long)} on a given nanosecond clock and JIT compilation clock (tests drive them). */
    static double ratio(Runnable fast, Runnable slow, int rounds, long warmupMillis, LongSupplier clock, LongSupplier jit) {
        Timing[] t = alternating(1, rounds, warmupMillis, clock, jit, fast, slow);
        return t[1].seconds() / t[0].seconds();
    }

    /** {@link #alternating(int, int, long, Runnable...)} on a given nanosecond clock and JIT compilation clock (tests drive them). */
    static Timing[] alternating(int runs, int rounds, long warmupMillis, LongSupplier clock, LongSupplier jit, Runnable... works) {
        Timing[] out = new Timing[works.length];
        for (int w = 0; w < works.length; w++) out[w] = time(works[w], runs, warmupMillis, clock, jit);
        for (int r = 0; r < rounds; r++) {
            for (int w = 0; w < works.length; w++) {
                double best = round(works[w], runs, clock) / 1e9;
                if (best < out[w].seconds()) out[w] = new Timing(best, out[w].discardedCalls());
            }
        }
        return out;
    }

    /**
     * Rounds of {@code runs} timed calls until two agree within {@link #STABLE} and the JIT compiled nothing during the
     * second (at most {@link #MAX_ROUNDS}).
     */
    private static Timing stabilise(Runnable work, int runs, long discarded, LongSupplier clock, LongSupplier jit) {
        long previous = round(work, runs, clock);
        for (int r = 1; r < MAX_ROUNDS; r++) {
            long compiledBefore = jit.getAsLong();
            long best = round(work, runs, clock);
            boolean stable = Math.abs(best - previous) <= STABLE * previous && jit.getAsLong() == compiledBefore;
            if (stable) return new Timing(Math.min(best, previous) / 1e9, discarded);
            discarded += runs;
            previous = best;
        }
        return new Timing(previous / 1e9, discarded);
    }

    /** The JVM's total JIT compilation time in milliseconds, or a constant 0 where it is not monitored. */
    private static LongSupplier jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) return () -> 0;
        return jit::getTotalCompilationTime;
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
