package org.vecformer.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicBoolean;
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
    void setThreadsDuringRunningLoopsLosesNoIndexAndThrowsNothing() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        Thread flipper = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) Parallel.setThreads(2 + i % 3);
        });
        flipper.start();
        try {
            for (int loop = 0; loop < 20_000; loop++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(37);
                Parallel.forRange(37, 3, (from, to) -> {
                    for (int i = from; i < to; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < hits.length(); i++) assertEquals(1, hits.get(i), "index " + i + " of loop " + loop);
            }
        } finally {
            stop.set(true);
            flipper.join();
        }
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
    void nestedLoopsFinishAndTheInnerOneRunsInlineInOneCall() {
        Parallel.setThreads(2);
        AtomicIntegerArray seen = new AtomicIntegerArray(64), innerCalls = new AtomicIntegerArray(8);
        Parallel.forRange(8, 1, (a, b) -> {
            Thread outer = Thread.currentThread();
            Parallel.forRange(8, 1, (c, d) -> {
                assertEquals(outer, Thread.currentThread());
                innerCalls.incrementAndGet(a);
                for (int i = c; i < d; i++) seen.incrementAndGet(a * 8 + i);
            });
        });
        for (int i = 0; i < 64; i++) assertEquals(1, seen.get(i));
        for (int a = 0; a < 8; a++) assertEquals(1, innerCalls.get(a), "outer chunk " + a);
    }

    @Test
    void aLoopAfterANestedOneSplitsAgain() {
        Parallel.setThreads(2);
        Parallel.forRange(4, 1, (a, b) -> Parallel.forRange(4, 1, (c, d) -> {}));
        AtomicIntegerArray calls = new AtomicIntegerArray(1);
        Parallel.forRange(4, 1, (from, to) -> calls.incrementAndGet(0));
        assertEquals(4, calls.get(0));
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
