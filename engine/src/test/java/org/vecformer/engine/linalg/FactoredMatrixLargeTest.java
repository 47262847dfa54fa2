package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.linalg.FactoredMatrix.Entry;
import org.vecformer.engine.parallel.Parallel;

/**
 * A 20000 × 20000 product of rank 16: every operation must work through the factors. A materialised
 * product would be 3.2 GB of doubles; the test counts what all threads allocate during the scans, the
 * norm and the eigenvalues, and fails above 64 MB. On a quiet 2-core machine the two scans take about a
 * second each; the time bound only catches a pathological slowdown, since other builds share the machine.
 */
class FactoredMatrixLargeTest {
    private static final int M = 20000, N = 20000, R = 16;
    private static final long ALLOCATION_LIMIT = 64L << 20;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /**
     * Random A, B in [−1, 1) (so |(AB)[i][j]| ≤ 16), with peaks planted through rows of A and columns of
     * B that are multiples of a basis vector e_p: (AB)[i][j] = a·b when row i of A is a·e_p and column j
     * of B is b·e_p. Peaks: 100 at (PEAK_ROWS[0], PEAK_COLS[0]), 90, 80, and a tie of 70 at
     * (PEAK_ROWS[3], PEAK_COLS[3]) and (PEAK_ROWS[4], PEAK_COLS[3]).
     */
    private static final int[] PEAK_ROWS = {17_003, 4, 19_999, 12_345, 777};
    private static final int[] PEAK_COLS = {9_876, 19_999, 0, 5_000};

    private static FactoredMatrix planted() {
        Random rng = new Random(41);
        Matrix a = Mats.random(rng, M, R), b = Mats.random(rng, R, N);
        double[][] rowsTimesCols = {{10, 10}, {9, 10}, {8, 10}, {7, 10}};
        for (int p = 0; p < 4; p++) {
            for (int k = 0; k < R; k++) {
                a.set(PEAK_ROWS[p], k, k == p ? rowsTimesCols[p][0] : 0);
                b.set(k, PEAK_COLS[p], k == p ? rowsTimesCols[p][1] : 0);
            }
        }
        for (int k = 0; k < R; k++) a.set(PEAK_ROWS[4], k, k == 3 ? 7 : 0);
        return new FactoredMatrix(a, b);
    }

    /** Bytes allocated so far by all live threads (the pool's workers included). */
    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) sum += Math.max(0, b);
        return sum;
    }

    private static double entrywise(FactoredMatrix f, int i, int j) {
        double s = 0;
        for (int k = 0; k < R; k++) s += f.a().get(i, k) * f.b().get(k, j);
        return s;
    }

    @Test
    void scansNormAndEigenvaluesRunThroughTheFactors() {
        FactoredMatrix f = planted();
        Parallel.setThreads(Math.max(2, savedThreads));
        Parallel.forRange(Parallel.threads(), 1, (from, to) -> {}); // start the workers before counting
        long before = allocatedBytes(), start = System.nanoTime();
        List<Entry> top = f.topK(5);
        long topNanos = System.nanoTime() - start;
        start = System.nanoTime();
        int[] arg = f.rowArgMax();
        long argNanos = System.nanoTime() - start;
        double norm = f.frobeniusNorm();
        Eigen eigen = f.eigenvalues();
        long allocated = allocatedBytes() - before;
        System.out.printf("20000x20000 r=16, %d threads: topK %.0f ms, rowArgMax %.0f ms, allocated %.1f MB%n",
                Parallel.threads(), topNanos / 1e6, argNanos / 1e6, allocated / 1e6);
        assertTrue(allocated < ALLOCATION_LIMIT, "allocated " + allocated + " bytes: something was materialised");
        assertTrue(Duration.ofNanos(topNanos + argNanos).toSeconds() < 60, "far too slow even for a loaded machine");

        assertEquals(List.of(new Entry(PEAK_ROWS[0], PEAK_COLS[0], 100), new Entry(PEAK_ROWS[1], PEAK_COLS[1], 90),
                new Entry(PEAK_ROWS[2], PEAK_COLS[2], 80), new Entry(PEAK_ROWS[4], PEAK_COLS[3], 70),
                new Entry(PEAK_ROWS[3], PEAK_COLS[3], 70)), top, "peaks, the tie in row order");
        for (int p = 0; p < 4; p++) assertEquals(PEAK_COLS[p], arg[PEAK_ROWS[p]], "argmax of peak row " + p);
        assertEquals(PEAK_COLS[3], arg[PEAK_ROWS[4]]);
        Random rng = new Random(42);
        for (int t = 0; t < 20; t++) {
            int i = rng.nextInt(M), best = 0;
            for (int j = 1; j < N; j++) if (entrywise(f, i, j) > entrywise(f, i, best)) best = j;
            assertEquals(best, arg[i], "argmax of row " + i);
            int j = rng.nextInt(N);
            assertEquals(entrywise(f, i, j), f.get(i, j), "get(" + i + ", " + j + ")");
        }

        double[][] g = new double[R][R], h = new double[R][R]; // AᵀA and BBᵀ by plain loops
        for (int k = 0; k < R; k++) {
            for (int l = 0; l < R; l++) {
                for (int i = 0; i < M; i++) g[k][l] += f.a().get(i, k) * f.a().get(i, l);
                for (int j = 0; j < N; j++) h[k][l] += f.b().get(k, j) * f.b().get(l, j);
            }
        }
        double trace = 0; // trace(G·H) = Σ_k Σ_l G[k][l]·H[l][k]
        for (int k = 0; k < R; k++) for (int l = 0; l < R; l++) trace += g[k][l] * h[l][k];
        assertEquals(Math.sqrt(trace), norm, 1e-12 * norm, "‖AB‖_F = sqrt(trace(AᵀA·BBᵀ))");

        double[][] expected = Mats.ejmlEigenvalues(Mats.ejmlMultiply(f.b(), f.a()));
        Mats.assertSameEigenvalues(expected[0], expected[1], eigen, 1e-9 * Math.max(1, norm));
    }

    @Test
    void singularValuesThroughTheFactors() {
        FactoredMatrix f = planted();
        double[] s = f.singularValues();
        assertEquals(R, s.length);
        double sumSquares = 0;
        for (double x : s) sumSquares += x * x;
        double norm = f.frobeniusNorm();
        assertEquals(norm * norm, sumSquares, 1e-10 * norm * norm, "Σ s² = ‖AB‖_F²");
    }
}
