package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.linalg.FactoredMatrix.Entry;
import org.vecformer.engine.parallel.Parallel;

class FactoredMatrixTest {
    /** {m, r, n}: tall, wide, square, rank 1, r larger than m and n. */
    private static final int[][] SHAPES = {{1, 1, 1}, {5, 3, 7}, {60, 8, 45}, {13, 1, 60}, {40, 8, 40}, {3, 8, 2}, {33, 5, 33}};
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static FactoredMatrix random(Random rng, int m, int r, int n) {
        return new FactoredMatrix(Mats.random(rng, m, r), Mats.random(rng, r, n));
    }

    /** Entries in {−1, 0, 1}: products repeat a lot, so ties are everywhere. */
    private static FactoredMatrix ties(Random rng, int m, int r, int n) {
        Matrix a = new Matrix(m, r), b = new Matrix(r, n);
        for (int i = 0; i < m; i++) for (int k = 0; k < r; k++) a.set(i, k, rng.nextInt(3) - 1);
        for (int k = 0; k < r; k++) for (int j = 0; j < n; j++) b.set(k, j, rng.nextInt(3) - 1);
        return new FactoredMatrix(a, b);
    }

    private static double tolerance(Matrix x) {
        return 1e-13 * Math.max(1, x.frobeniusNorm());
    }

    @Test
    void getRowAndMaterializeAgreeExactly() {
        Random rng = new Random(31);
        for (int[] s : SHAPES) {
            FactoredMatrix f = random(rng, s[0], s[1], s[2]);
            Matrix ab = Mats.ejmlMultiply(f.a(), f.b());
            Mats.assertClose(ab, f.materialize(), tolerance(ab), "materialize vs EJML");
            for (int i = 0; i < s[0]; i++) {
                double[] row = f.row(i);
                for (int j = 0; j < s[2]; j++) {
                    double entrywise = 0;
                    for (int k = 0; k < s[1]; k++) entrywise += f.a().get(i, k) * f.b().get(k, j);
                    assertEquals(entrywise, f.get(i, j), "get " + i + "," + j);
                    assertEquals(entrywise, row[j], "row " + i + "[" + j + "]");
                }
            }
        }
        FactoredMatrix f = random(rng, 3, 2, 4);
        assertThrows(IndexOutOfBoundsException.class, () -> f.get(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> f.get(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new FactoredMatrix(new Matrix(3, 2), new Matrix(3, 2)));
    }

    @Test
    void productsKeepTheFactorisationWithTheSmallerInnerDimension() {
        Random rng = new Random(32);
        for (int[] s : SHAPES) {
            int m = s[0], r = s[1], n = s[2];
            FactoredMatrix f = random(rng, m, r, n);
            Matrix ab = f.materialize();
            Matrix c = Mats.random(rng, n, 6), d = Mats.random(rng, 4, m);

            FactoredMatrix right = f.multiply(c);
            assertEquals(Math.min(r, n), right.innerDim(), "inner dim of AB·C");
            Mats.assertClose(Mats.ejmlMultiply(ab, c), right.materialize(), 1e-12, "AB·C");

            FactoredMatrix left = f.leftMultiply(d);
            assertEquals(Math.min(r, m), left.innerDim(), "inner dim of D·AB");
            Mats.assertClose(Mats.ejmlMultiply(d, ab), left.materialize(), 1e-12, "D·AB");

            FactoredMatrix g = random(rng, n, 2, 5);
            FactoredMatrix both = f.multiply(g);
            assertEquals(Math.min(Math.min(r, n), 2), both.innerDim(), "inner dim of AB·CD");
            Mats.assertClose(Mats.ejmlMultiply(ab, g.materialize()), both.materialize(), 1e-12, "AB·CD");

            FactoredMatrix h = random(rng, 3, 9, m);
            FactoredMatrix both2 = f.leftMultiply(h);
            assertEquals(Math.min(Math.min(r, m), 9), both2.innerDim(), "inner dim of CD·AB");
            Mats.assertClose(Mats.ejmlMultiply(h.materialize(), ab), both2.materialize(), 1e-12, "CD·AB");

            Mats.assertClose(ab.transpose(), f.transpose().materialize(), 0, "(AB)ᵀ");
        }
        FactoredMatrix f = random(rng, 4, 2, 5);
        assertThrows(IllegalArgumentException.class, () -> f.multiply(new Matrix(4, 3)));
        assertThrows(IllegalArgumentException.class, () -> f.leftMultiply(new Matrix(3, 5)));
    }

    @Test
    void frobeniusNormEqualsTheMaterialisedOne() {
        Random rng = new Random(33);
        for (int[] s : SHAPES) {
            FactoredMatrix f = random(rng, s[0], s[1], s[2]);
            Matrix ab = f.materialize();
            assertEquals(ab.frobeniusNorm(), f.frobeniusNorm(), tolerance(ab), Arrays.toString(s));
        }
        assertEquals(0, new FactoredMatrix(new Matrix(4, 3), Mats.random(rng, 3, 5)).frobeniusNorm());
    }

    @Test
    void eigenvaluesThroughTheSmallSide() {
        Random rng = new Random(34);
        for (int[] s : new int[][] {{1, 1}, {7, 3}, {40, 8}, {60, 8}, {3, 8}, {8, 8}}) {
            int m = s[0], r = s[1];
            FactoredMatrix f = random(rng, m, r, m);
            Eigen e = f.eigenvalues();
            assertEquals(Math.min(m, r), e.size(), "one eigenvalue per dimension of the small side");
            double[] re = Arrays.copyOf(e.re(), m), im = Arrays.copyOf(e.im(), m); // AB's other eigenvalues are 0
            double[][] full = Mats.ejmlEigenvalues(f.materialize());
            Mats.assertSameEigenvalues(re, im, Eigen.of(f.materialize()), 1e-9);
            Mats.assertSameEigenvalues(full[0], full[1], new Eigen(re, im), 1e-9);
        }
        assertThrows(IllegalArgumentException.class, () -> random(rng, 4, 2, 5).eigenvalues());
    }

    @Test
    void svdThroughTheFactors() {
        Random rng = new Random(35);
        for (int[] s : SHAPES) {
            FactoredMatrix f = random(rng, s[0], s[1], s[2]);
            Matrix ab = f.materialize();
            SVD svd = f.svd();
            int k = Math.min(Math.min(s[0], s[2]), s[1]);
            assertEquals(k, svd.s().length);
            double[] expected = Arrays.copyOf(Mats.ejmlSingularValues(ab), k);
            assertArrayEquals(expected, svd.s(), 1e-12, "singular values " + Arrays.toString(s));
            assertArrayEquals(svd.s(), f.singularValues());
            Mats.assertOrthonormalColumns(svd.u(), 1e-12, "U");
            Mats.assertOrthonormalColumns(svd.v(), 1e-12, "V");
            Matrix us = new Matrix(s[0], k);
            for (int i = 0; i < s[0]; i++) for (int j = 0; j < k; j++) us.set(i, j, svd.u().get(i, j) * svd.s()[j]);
            Mats.assertClose(ab, us.multiply(svd.v().transpose()), 1e-12, "U·diag(s)·Vᵀ == AB");
        }
        FactoredMatrix rankOne = new FactoredMatrix(Mats.random(rng, 9, 3), Matrix.of(3, 4, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0));
        double[] s = rankOne.singularValues();
        assertEquals(rankOne.frobeniusNorm(), s[0], 1e-13, "rank one: s₀ = ‖AB‖_F");
        assertEquals(0, s[1], 1e-13);
        assertEquals(0, s[2], 1e-13);
    }

    /** All entries, best first: value descending, ties in row-major order (a stable sort of row-major order). */
    private static List<Entry> sortedEntries(Matrix ab) {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < ab.rows(); i++) for (int j = 0; j < ab.cols(); j++) all.add(new Entry(i, j, ab.get(i, j)));
        all.sort(Comparator.comparingDouble(Entry::value).reversed());
        return all;
    }

    private static int[] firstArgMaxPerRow(Matrix ab) {
        int[] arg = new int[ab.rows()];
        for (int i = 0; i < ab.rows(); i++) {
            for (int j = 1; j < ab.cols(); j++) if (ab.get(i, j) > ab.get(i, arg[i])) arg[i] = j;
        }
        return arg;
    }

    @Test
    void topKAndRowArgMaxMatchTheMaterialisedMatrixIncludingTies() {
        Random rng = new Random(36);
        for (int[] s : SHAPES) {
            for (FactoredMatrix f : List.of(random(rng, s[0], s[1], s[2]), ties(rng, s[0], s[1], s[2]))) {
                Matrix ab = f.materialize();
                List<Entry> expected = sortedEntries(ab);
                for (int k : new int[] {0, 1, 2, 7, expected.size(), expected.size() + 5}) {
                    assertEquals(expected.subList(0, Math.min(k, expected.size())), f.topK(k), "top " + k + " of " + Arrays.toString(s));
                }
                assertArrayEquals(firstArgMaxPerRow(ab), f.rowArgMax(), "row argmax " + Arrays.toString(s));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> random(rng, 2, 2, 2).topK(-1));
    }

    @Test
    void tiesGoToTheEarlierRowThenTheEarlierColumn() {
        FactoredMatrix ones = new FactoredMatrix(Matrix.of(3, 1, 1, 1, 1), Matrix.of(1, 4, 2, 2, 2, 2));
        assertEquals(List.of(new Entry(0, 0, 2), new Entry(0, 1, 2), new Entry(0, 2, 2)), ones.topK(3));
        assertArrayEquals(new int[] {0, 0, 0}, ones.rowArgMax());
    }

    @Test
    void nanCountsAsLargest() {
        FactoredMatrix f = new FactoredMatrix(Matrix.of(2, 1, 1, Double.NaN), Matrix.of(1, 3, 1, 5, 2));
        assertEquals(new Entry(1, 0, Double.NaN), f.topK(1).getFirst());
        assertArrayEquals(new int[] {1, 0}, f.rowArgMax());
    }

    @Test
    void scansGiveTheSameAnswerForAnyThreadCount() {
        Random rng = new Random(37);
        for (FactoredMatrix f : List.of(random(rng, 300, 4, 700), ties(rng, 301, 3, 257))) {
            Parallel.setThreads(1);
            List<Entry> top = f.topK(50);
            int[] arg = f.rowArgMax();
            assertEquals(sortedEntries(f.materialize()).subList(0, 50), top);
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                assertEquals(top, f.topK(50), threads + " threads");
                assertArrayEquals(arg, f.rowArgMax(), threads + " threads");
            }
        }
    }

    /** A random A·B whose rows of A and columns of B are scaled by 10^u, u uniform in [−spread, spread]. */
    private static FactoredMatrix skewed(Random rng, int m, int r, int n, double spread) {
        Matrix a = Mats.random(rng, m, r), b = Mats.random(rng, r, n);
        for (int i = 0; i < m; i++) {
            double s = Math.pow(10, spread * (2 * rng.nextDouble() - 1));
            for (int k = 0; k < r; k++) a.set(i, k, a.get(i, k) * s);
        }
        for (int j = 0; j < n; j++) {
            double s = Math.pow(10, spread * (2 * rng.nextDouble() - 1));
            for (int k = 0; k < r; k++) b.set(k, j, b.get(k, j) * s);
        }
        return new FactoredMatrix(a, b);
    }

    private static FactoredMatrix scaled(FactoredMatrix f, double s) {
        Matrix a = new Matrix(f.rows(), f.innerDim());
        for (int i = 0; i < f.rows(); i++) for (int k = 0; k < f.innerDim(); k++) a.set(i, k, f.a().get(i, k) * s);
        return new FactoredMatrix(a, f.b());
    }

    @Test
    void prunedSearchWithSmallTilesMatchesTheMaterialisedMatrix() {
        Random rng = new Random(38);
        for (int[] s : SHAPES) {
            for (FactoredMatrix f : List.of(random(rng, s[0], s[1], s[2]), ties(rng, s[0], s[1], s[2]), skewed(rng, s[0], s[1], s[2], 2))) {
                List<Entry> expected = sortedEntries(f.materialize());
                for (int k : new int[] {1, 3, 10, expected.size()}) {
                    for (int[] tile : new int[][] {{1, 1}, {4, 6}, {7, 5}}) {
                        assertEquals(expected.subList(0, Math.min(k, expected.size())), PrunedTopK.topK(f, k, tile[0], tile[1]),
                                "top " + k + " of " + Arrays.toString(s) + " in " + Arrays.toString(tile) + " tiles");
                    }
                }
            }
        }
    }

    /**
     * Row 37 of A has the smallest norm (1) but points exactly along column 5 of B (norm 100), which no other
     * row has a component on: its entry 100 is the largest although the row sorts last by norm.
     */
    @Test
    void aLargeEntryInTheLowestNormRowIsFound() {
        Random rng = new Random(39);
        int m = 60, r = 8, n = 50;
        Matrix a = Mats.random(rng, m, r), b = Mats.random(rng, r, n);
        for (int i = 0; i < m; i++) {
            a.set(i, 0, 0);
            for (int k = 1; k < r; k++) a.set(i, k, a.get(i, k) * 10);
        }
        for (int k = 0; k < r; k++) {
            a.set(37, k, k == 0 ? 1 : 0);
            b.set(k, 5, k == 0 ? 100 : 0);
        }
        FactoredMatrix f = new FactoredMatrix(a, b);
        List<Entry> expected = sortedEntries(f.materialize()).subList(0, 4);
        assertEquals(new Entry(37, 5, 100), expected.getFirst());
        assertEquals(expected, f.topK(4));
        assertEquals(expected, PrunedTopK.topK(f, 4, 4, 4));
    }

    @Test
    void skewedNormsPruneMostTilesAndStayExact() {
        Random rng = new Random(40);
        FactoredMatrix f = skewed(rng, 400, 6, 500, 2);
        PrunedTopK.Result result = PrunedTopK.search(f, 10, 16, 16);
        assertEquals(sortedEntries(f.materialize()).subList(0, 10), result.top());
        assertEquals(25 * 32, result.tiles());
        assertTrue(result.tilesComputed() < result.tiles() / 10, result.tilesComputed() + " of " + result.tiles() + " tiles computed");
        assertTrue(result.rescored() < 16 * 16 * result.tilesComputed(), "only entries near the threshold are re-scored in double");
    }

    /** Values that float cannot tell apart (1e−9 relative) and magnitudes near float's ends stay exact. */
    @Test
    void nearTiesAndExtremeMagnitudesAreRankedInDouble() {
        Random rng = new Random(41);
        Matrix a = new Matrix(30, 3), b = Mats.random(rng, 3, 40);
        for (int i = 0; i < 30; i++) for (int k = 0; k < 3; k++) a.set(i, k, 1 + 1e-9 * rng.nextInt(5) + (k == 0 ? 1e-9 * i : 0));
        FactoredMatrix near = new FactoredMatrix(a, b);
        for (FactoredMatrix f : List.of(near, scaled(random(rng, 50, 5, 40), 1e-30), scaled(random(rng, 50, 5, 40), 1e14))) {
            assertTrue(PrunedTopK.applies(f));
            assertEquals(sortedEntries(f.materialize()).subList(0, 25), PrunedTopK.topK(f, 25, 8, 8));
        }
        assertFalse(PrunedTopK.applies(scaled(random(rng, 5, 5, 4), 1e32)), "products beyond float take the double scan");
    }

    @Test
    void prunedSearchGivesTheSameAnswerForAnyThreadCount() {
        Random rng = new Random(42);
        FactoredMatrix f = skewed(rng, 300, 5, 333, 1);
        Parallel.setThreads(1);
        List<Entry> top = PrunedTopK.topK(f, 40, 8, 16);
        assertEquals(sortedEntries(f.materialize()).subList(0, 40), top);
        for (int threads : new int[] {2, 3, 5}) {
            Parallel.setThreads(threads);
            assertEquals(top, PrunedTopK.topK(f, 40, 8, 16), threads + " threads");
        }
    }
}
