package org.vecformer.engine.parallel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's fixed thread pool. Work is always split over disjoint <em>output</em> ranges, never
 * over a reduction, so every result is bitwise identical for any thread count.
 *
 * <p>Size: {@link #setThreads(int)} (the CLI's {@code --threads}), else the system property
 * {@code vecformer.threads}, else the number of available processors. The calling thread works too,
 * so a pool of n threads keeps n-1 workers.
 *
 * <p>{@link #setThreads(int)} may run while other threads are inside loops: a loop keeps the pool it started with
 * (a shut-down pool still runs what it was given), and one that finds its pool shut down runs the rest itself.
 *
 * <p>Nesting: a loop started from inside the body of another runs inline on the thread that reached it, so
 * coarse outer parallelism (e.g. one chunk per sequence shard) does not pay for fine inner splitting.
 */
public final class Parallel {
    /** System property that sets the default thread count. */
    public static final String THREADS_PROPERTY = "vecformer.threads";

    /** Body of a parallel loop: handles indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static int threads = defaultThreads();
    /** True on a thread while it runs the body of a parallel loop. */
    private static final ThreadLocal<Boolean> IN_LOOP = ThreadLocal.withInitial(() -> false);
    private static ExecutorService workers;

    private Parallel() {}

    static int defaultThreads() {
        String p = System.getProperty(THREADS_PROPERTY);
        if (p == null || p.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(p.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the same message as a bad number
        }
        throw new IllegalArgumentException(THREADS_PROPERTY + " must be a whole number >= 1, not '" + p + "'");
    }

    /** Threads used by parallel loops. */
    public static synchronized int threads() {
        return threads;
    }

    /** Sets the number of threads for all later parallel loops. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, not " + n);
        if (n != threads && workers != null) {
            workers.shutdown();
            workers = null;
        }
        threads = n;
    }

    private static synchronized ExecutorService workers() {
        if (workers == null) {
            AtomicInteger id = new AtomicInteger();
            workers = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                Thread t = new Thread(r, "vecformer-worker-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return workers;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of {@code grain} indices (the last may be shorter),
     * handed out to the threads as they free up. The calling thread takes chunks too and returns when
     * every chunk is done, so nested loops cannot deadlock: a worker that never gets to run finds no
     * chunk left. Rethrows the first failure. With one thread, one chunk, or when called from inside the body
     * of another parallel loop, runs inline as {@code body.run(0, n)}.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        if (grain < 1) throw new IllegalArgumentException("grain must be >= 1, not " + grain);
        int chunks = (n + grain - 1) / grain;
        int t;
        ExecutorService pool = null;
        synchronized (Parallel.class) {
            t = Math.min(threads, chunks);
            if (t > 1 && !IN_LOOP.get()) pool = workers();
        }
        if (pool == null) {
            body.run(0, n);
            return;
        }
        Loop loop = new Loop(n, grain, chunks, body);
        for (int i = 0; i < t - 1; i++) {
            try {
                pool.execute(loop::work);
            } catch (RejectedExecutionException e) {
                // A concurrent setThreads shut this pool down after we took it: the calling thread takes the
                // chunks no worker will, so the loop still completes (and the results do not depend on who ran what).
                break;
            }
        }
        loop.work();
        loop.awaitAll();
    }

    /** One parallel loop: a chunk counter, a done counter and the first failure. */
    private static final class Loop {
        private final int n, grain, chunks;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private int done;
        private Throwable failure;

        Loop(int n, int grain, int chunks, RangeBody body) {
            this.n = n;
            this.grain = grain;
            this.chunks = chunks;
            this.body = body;
        }

        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                int from = c * grain;
                Throwable error = null;
                IN_LOOP.set(true);
                try {
                    body.run(from, Math.min(n, from + grain));
                } catch (Throwable e) {
                    error = e;
                } finally {
                    IN_LOOP.set(false);
                }
                finish(error);
            }
        }

        private synchronized void finish(Throwable error) {
            if (error != null && failure == null) failure = error;
            if (++done == chunks) notifyAll();
        }

        synchronized void awaitAll() {
            boolean interrupted = false;
            while (done < chunks) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException(failure);
        }
    }

    /** {@link #forRange(int, int, RangeBody)} with about one chunk per thread. */
    public static void forRange(int n, RangeBody body) {
        forRange(n, Math.max(1, (n + threads() - 1) / threads()), body);
    }
}
