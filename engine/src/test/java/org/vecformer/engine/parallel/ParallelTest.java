package org.vecformer.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void everyIndexRunsExactlyOnceForAnyThreadCountAndGrain() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            Parallel.setThreads(threads);
            for (int grain : new int[] {1, 3, 64}) {
                int n = 1000;
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                Parallel.forRange(n, grain, (from, to) -> {
                    for (int i = from; i < to; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "index " + i);
            }
        }
    }

    @Test
    void nestedLoopsFinish() {
        Parallel.setThreads(2);
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        Parallel.forRange(8, 1, (a, b) -> Parallel.forRange(8, 1, (c, d) -> seen.incrementAndGet(a * 8 + c)));
        for (int i = 0; i < 64; i++) assertEquals(1, seen.get(i));
    }

    @Test
    void theFirstFailureReachesTheCaller() {
        Parallel.setThreads(3);
        var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, 1, (from, to) -> {
            if (from == 7) throw new IllegalStateException("chunk 7");
        }));
        assertEquals("chunk 7", e.getMessage());
    }

    @Test
    void threadCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
