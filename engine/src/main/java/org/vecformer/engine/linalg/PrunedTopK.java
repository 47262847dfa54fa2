package org.vecformer.engine.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAccumulator;
import org.vecformer.engine.kernel.ProductAbove;
import org.vecformer.engine.linalg.FactoredMatrix.Entry;
import org.vecformer.engine.parallel.Parallel;

/**
 * The exact k largest entries of M = A·B (A [m, r], B [r, n]) without computing most of M. Cauchy–Schwarz
 * bounds every entry, {@code M[i][j] = a_i·b_j <= ‖a_i‖·‖b_j‖}, with a_i row i of A and b_j column j of B.
 * Rows and columns are sorted by norm, descending, and cut into tiles; a tile's bound is the product of its
 * largest row and column norms. Tiles are visited in order of decreasing bound while a running threshold T,
 * the k-th best value found so far, rises; a tile whose bound is below T is never computed, and neither is
 * any later one. Inside a tile, rows and columns whose own bound is below T are cut off too.
 *
 * <p>A tile is computed in float by {@link ProductAbove}, which reports only the entries at or above
 * {@code T − e}, where {@code e = (r + 4)·2⁻²⁴·1.25·‖a‖max·‖b‖max + η} bounds the float error (rounding of
 * the factors to float and of r fused multiply-adds; η covers underflow). Each reported entry is re-scored in
 * double exactly as {@link FactoredMatrix#get}, so the answer is the one the materialised double matrix
 * gives, in the {@link FactoredMatrix#BEST_FIRST} order.
 *
 * <p>Threads take tiles in bound order from a shared counter; each keeps its own k best, and T is the largest
 * of their k-th bests (each is a lower bound of the global k-th best). Nothing that can enter the top k is
 * ever skipped, so the merged answer is the same for any thread count.
 *
 * <p>Needs finite factors small enough that every product fits a float ({@link #applies}); otherwise
 * {@link FactoredMatrix#topK} scans in double. With random factors the bound is loose (the top entries have
 * cosines far below 1) and most tiles are still computed; factors with skewed norms prune well.
 */
final class PrunedTopK {
    /** Tile shape: rows of A × columns of B computed at once. */
    static final int TILE_ROWS = 64, TILE_COLS = 384;
    /** Largest ‖a‖max·‖b‖max (and largest factor entry) for which float sums cannot overflow. */
    private static final double FLOAT_SAFE = 1e30;
    /** Relative slack on the double Cauchy–Schwarz bound, covering the rounding of norms and of get(). */
    private static final double BOUND_SLACK = 1 + 1e-9;

    private final FactoredMatrix f;
    private final int m, n, r, tileRows, tileCols, paddedRows, paddedCols;
    private final int[] rowOrder, colOrder; // sorted position -> row of A / column of B
    private final double[] rowNorm, colNorm; // by sorted position, 0 in padding
    private final float[] a, b; // A rows in sorted order [paddedRows, r]; B columns in sorted order, tile by tile [paddedCols / tileCols, r, tileCols]
    private final double floatError, underflow;

    private PrunedTopK(FactoredMatrix f, int tileRows, int tileCols) {
        this.f = f;
        this.m = f.rows();
        this.n = f.cols();
        this.r = f.innerDim();
        this.tileRows = tileRows;
        this.tileCols = tileCols;
        this.paddedRows = (m + tileRows - 1) / tileRows * tileRows;
        this.paddedCols = (n + tileCols - 1) / tileCols * tileCols;
        double[] ad = f.a().data(), bd = f.b().data();
        double[] rn = new double[m], cn = new double[n];
        double maxAbs = 0;
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < r; p++) s += ad[i * r + p] * ad[i * r + p];
            rn[i] = Math.sqrt(s);
        }
        for (int p = 0; p < r; p++) for (int j = 0; j < n; j++) cn[j] += bd[p * n + j] * bd[p * n + j];
        for (int j = 0; j < n; j++) cn[j] = Math.sqrt(cn[j]);
        for (double x : ad) maxAbs = Math.max(maxAbs, Math.abs(x));
        for (double x : bd) maxAbs = Math.max(maxAbs, Math.abs(x));
        rowOrder = byNormDescending(rn);
        colOrder = byNormDescending(cn);
        rowNorm = new double[paddedRows];
        colNorm = new double[paddedCols];
        a = new float[paddedRows * r];
        b = new float[r * paddedCols];
        for (int t = 0; t < m; t++) {
            int i = rowOrder[t];
            rowNorm[t] = rn[i];
            for (int p = 0; p < r; p++) a[t * r + p] = (float) ad[i * r + p];
        }
        for (int t = 0; t < n; t++) {
            int j = colOrder[t];
            colNorm[t] = cn[j];
            for (int p = 0; p < r; p++) b[(t / tileCols * r + p) * tileCols + t % tileCols] = (float) bd[p * n + j];
        }
        floatError = (r + 4) * 0x1p-24 * 1.25;
        underflow = r * 0x1p-148 * (2 * maxAbs + 2);
    }

    /** Whether the float path is safe: all factor entries finite and every |a_i·b_j| far inside the float range. */
    static boolean applies(FactoredMatrix f) {
        double maxRow = 0, maxCol = 0;
        double[] ad = f.a().data(), bd = f.b().data();
        int r = f.innerDim(), n = f.cols();
        for (double x : ad) if (!(Math.abs(x) <= FLOAT_SAFE)) return false;
        for (double x : bd) if (!(Math.abs(x) <= FLOAT_SAFE)) return false;
        for (int i = 0; i < f.rows(); i++) {
            double s = 0;
            for (int p = 0; p < r; p++) s += ad[i * r + p] * ad[i * r + p];
            maxRow = Math.max(maxRow, s);
        }
        double[] cn = new double[n];
        for (int p = 0; p < r; p++) for (int j = 0; j < n; j++) cn[j] += bd[p * n + j] * bd[p * n + j];
        for (double s : cn) maxCol = Math.max(maxCol, s);
        return Math.sqrt(maxRow) * Math.sqrt(maxCol) <= FLOAT_SAFE;
    }

    /** The k best entries of f (k ≥ 1), with the default tile shape. */
    static List<Entry> topK(FactoredMatrix f, int k) {
        return topK(f, k, TILE_ROWS, TILE_COLS);
    }

    /** The k best entries of f (k ≥ 1) with tiles of tileRows × tileCols (tests use small tiles). */
    static List<Entry> topK(FactoredMatrix f, int k, int tileRows, int tileCols) {
        return search(f, k, tileRows, tileCols).top();
    }

    /** The k best entries and how much work the pruning left: tiles computed of all, entries re-scored in double. */
    record Result(List<Entry> top, int tilesComputed, int tiles, long rescored) {}

    /** {@link #topK(FactoredMatrix, int, int, int)} with the work it took (for tests and measurements). */
    static Result search(FactoredMatrix f, int k, int tileRows, int tileCols) {
        if (f.rows() == 0 || f.cols() == 0) return new Result(List.of(), 0, 0, 0);
        return new PrunedTopK(f, tileRows, tileCols).search((int) Math.min(k, (long) f.rows() * f.cols()));
    }

    private Result search(int k) {
        int rowTiles = paddedRows / tileRows, colTiles = paddedCols / tileCols, tiles = rowTiles * colTiles;
        double[] bound = new double[tiles];
        Integer[] order = new Integer[tiles];
        for (int t = 0; t < tiles; t++) {
            bound[t] = rowNorm[t / colTiles * tileRows] * colNorm[t % colTiles * tileCols];
            order[t] = t;
        }
        Arrays.sort(order, (x, y) -> {
            int c = Double.compare(bound[y], bound[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        AtomicInteger next = new AtomicInteger(), computed = new AtomicInteger();
        DoubleAccumulator threshold = new DoubleAccumulator(Math::max, Double.NEGATIVE_INFINITY);
        int workers = Parallel.threads();
        List<List<Entry>> kept = new ArrayList<>();
        long[] rescored = new long[workers];
        for (int w = 0; w < workers; w++) kept.add(List.of());
        Parallel.forRange(workers, 1, (w, end) -> {
            PriorityQueue<Entry> heap = new PriorityQueue<>(FactoredMatrix.BEST_FIRST.reversed()); // worst on top
            int[] hits = new int[tileRows * tileCols];
            for (int t; (t = next.getAndIncrement()) < tiles; ) {
                int tile = order[t], i0 = tile / colTiles * tileRows, j0 = tile % colTiles * tileCols;
                double tNow = heap.size() == k ? Math.max(heap.peek().value(), threshold.get()) : threshold.get();
                if (bound[tile] * BOUND_SLACK + underflow < tNow) break; // so is every later tile
                computed.incrementAndGet();
                int rows = live(rowNorm, i0, tileRows, colNorm[j0], tNow), cols = live(colNorm, j0, tileCols, rowNorm[i0], tNow);
                double cut = tNow - floatError * bound[tile] - underflow;
                float floatCut = (float) cut;
                if (floatCut > cut) floatCut = Math.nextDown(floatCut);
                int count = ProductAbove.above(rows, cols, r, a, i0 * r, r, b, j0 * r, tileCols, floatCut, hits);
                for (int h = 0; h < count; h++) {
                    int si = i0 + hits[h] / cols, sj = j0 + hits[h] % cols;
                    if (si >= m || sj >= n) continue; // padding
                    rescored[w]++;
                    offer(heap, k, rowOrder[si], colOrder[sj]);
                }
                if (heap.size() == k) threshold.accumulate(heap.peek().value());
            }
            kept.set(w, new ArrayList<>(heap));
        });
        List<Entry> all = new ArrayList<>();
        for (List<Entry> c : kept) all.addAll(c);
        all.sort(FactoredMatrix.BEST_FIRST);
        return new Result(List.copyOf(all.subList(0, Math.min(k, all.size()))), computed.get(), tiles, Arrays.stream(rescored).sum());
    }

    /**
     * How many of the sorted norms {@code norm[from .. from + size)} can still reach the threshold against a
     * partner of norm {@code other}: the norms descend, so it is a prefix; all of it while no threshold is set.
     */
    private int live(double[] norm, int from, int size, double other, double threshold) {
        int count = size;
        while (count > 1 && norm[from + count - 1] * other * BOUND_SLACK + underflow < threshold) count--;
        return count;
    }

    /** Re-scores M[i][j] in double as {@link FactoredMatrix#get} and keeps it if it ranks among the k best. */
    private void offer(PriorityQueue<Entry> heap, int k, int i, int j) {
        double v = f.get(i, j);
        if (heap.size() < k) {
            heap.add(new Entry(i, j, v));
        } else if (FactoredMatrix.ranksAbove(v, i, j, heap.peek())) {
            heap.poll();
            heap.add(new Entry(i, j, v));
        }
    }

    /** Positions 0..len-1 sorted by norm, largest first, ties by position. */
    private static int[] byNormDescending(double[] norm) {
        Integer[] idx = new Integer[norm.length];
        for (int i = 0; i < norm.length; i++) idx[i] = i;
        Arrays.sort(idx, (x, y) -> {
            int c = Double.compare(norm[y], norm[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] out = new int[norm.length];
        for (int i = 0; i < out.length; i++) out[i] = idx[i];
        return out;
    }
}
