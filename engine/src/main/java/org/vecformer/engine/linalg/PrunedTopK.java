package org.vecformer.engine.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
    /** Largest ‖a‖max·‖b‖max (and largest row or column norm, which bounds every entry) for which float sums cannot overflow. */
    private static final double FLOAT_SAFE = 1e30;
    /** Relative slack on the double Cauchy–Schwarz bound, covering the rounding of norms and of get(). */
    private static final double BOUND_SLACK = 1 + 1e-9;

    private final FactoredMatrix f;
    private final int m, n, r, tileRows, tileCols, paddedRows, paddedCols;
    private final int[] rowOrder, colOrder; // sorted position -> row of A / column of B
    private final double[] rowNorm, colNorm; // by sorted position, 0 in padding
    private final float[] a, b; // A rows in sorted order [paddedRows, r]; B columns in sorted order, tile by tile [paddedCols / tileCols, r, tileCols]
    private final double floatError, underflow;

    /**
     * Row norms ‖a_i‖ of A, column norms ‖b_j‖ of B, and the largest of each; NaN if any entry is NaN, +∞ if any is
     * infinite.
     */
    private record Norms(double[] rows, double[] cols, double maxRow, double maxCol) {
        static Norms of(FactoredMatrix f) {
            double[] ad = f.a().data(), bd = f.b().data();
            int m = f.rows(), n = f.cols(), r = f.innerDim();
            double[] rn = new double[m], cn = new double[n];
            double maxRow = 0, maxCol = 0;
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int p = 0; p < r; p++) s += ad[i * r + p] * ad[i * r + p];
                rn[i] = Math.sqrt(s);
                maxRow = Math.max(maxRow, rn[i]);
            }
            for (int p = 0; p < r; p++) for (int j = 0; j < n; j++) cn[j] += bd[p * n + j] * bd[p * n + j];
            for (int j = 0; j < n; j++) {
                cn[j] = Math.sqrt(cn[j]);
                maxCol = Math.max(maxCol, cn[j]);
            }
            return new Norms(rn, cn, maxRow, maxCol);
        }

        /** The largest row or column norm, which bounds every |entry| of A and B (|a_ip| ≤ ‖a_i‖). */
        double maxNorm() {
            return Math.max(maxRow, maxCol);
        }

        /** Every norm (so every entry) finite and at most FLOAT_SAFE, and the largest ‖a_i‖·‖b_j‖ at most FLOAT_SAFE. */
        boolean floatSafe() {
            return maxNorm() <= FLOAT_SAFE && maxRow * maxCol <= FLOAT_SAFE;
        }
    }

    private PrunedTopK(FactoredMatrix f, Norms norms, int tileRows, int tileCols) {
        this.f = f;
        this.m = f.rows();
        this.n = f.cols();
        this.r = f.innerDim();
        this.tileRows = tileRows;
        this.tileCols = tileCols;
        this.paddedRows = (m + tileRows - 1) / tileRows * tileRows;
        this.paddedCols = (n + tileCols - 1) / tileCols * tileCols;
        double[] ad = f.a().data(), bd = f.b().data();
        rowOrder = byNormDescending(norms.rows());
        colOrder = byNormDescending(norms.cols());
        rowNorm = new double[paddedRows];
        colNorm = new double[paddedCols];
        a = new float[paddedRows * r];
        b = new float[r * paddedCols];
        for (int t = 0; t < m; t++) {
            int i = rowOrder[t];
            rowNorm[t] = norms.rows()[i];
            for (int p = 0; p < r; p++) a[t * r + p] = (float) ad[i * r + p];
        }
        for (int t = 0; t < n; t++) colNorm[t] = norms.cols()[colOrder[t]];
        for (int t0 = 0; t0 < n; t0 += tileCols) { // column tile t0 / tileCols: b[tile][p][t − t0]
            int width = Math.min(tileCols, n - t0), tile = t0 / tileCols * r * tileCols;
            for (int p = 0; p < r; p++) {
                int to = tile + p * tileCols, from = p * n;
                for (int t = 0; t < width; t++) b[to + t] = (float) bd[from + colOrder[t0 + t]];
            }
        }
        floatError = (r + 4) * 0x1p-24 * 1.25;
        underflow = r * 0x1p-148 * (2 * norms.maxNorm() + 2);
    }

    /** Whether the float path is safe: all factor entries finite and every |a_i·b_j| far inside the float range. */
    static boolean applies(FactoredMatrix f) {
        return Norms.of(f).floatSafe();
    }

    /** The k best entries of f (k ≥ 1) with the default tile shape, or empty when the float path is not safe ({@link #applies}). */
    static Optional<List<Entry>> topK(FactoredMatrix f, int k) {
        if (f.rows() == 0 || f.cols() == 0) return Optional.of(List.of());
        Norms norms = Norms.of(f);
        if (!norms.floatSafe()) return Optional.empty();
        return Optional.of(new PrunedTopK(f, norms, TILE_ROWS, TILE_COLS).search(cap(f, k)).top());
    }

    private static int cap(FactoredMatrix f, int k) {
        return (int) Math.min(k, (long) f.rows() * f.cols());
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
        return new PrunedTopK(f, Norms.of(f), tileRows, tileCols).search(cap(f, k));
    }

    private Result search(int k) {
        int rowTiles = paddedRows / tileRows, colTiles = paddedCols / tileCols, tiles = rowTiles * colTiles;
        double[] bound = new double[tiles];
        long[] keys = new long[tiles]; // the bound rounded up to a float, negated, then the tile: ascending = largest bound first
        for (int t = 0; t < tiles; t++) {
            bound[t] = rowNorm[t / colTiles * tileRows] * colNorm[t % colTiles * tileCols];
            keys[t] = (long) -Float.floatToIntBits(roundUp(bound[t])) << 32 | t;
        }
        Arrays.sort(keys);
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
                int tile = (int) keys[t], i0 = tile / colTiles * tileRows, j0 = tile % colTiles * tileCols;
                double tNow = heap.size() == k ? Math.max(heap.peek().value(), threshold.get()) : threshold.get();
                if ((double) roundUp(bound[tile]) * BOUND_SLACK + underflow < tNow) break; // every later tile's bound is at most this
                if (bound[tile] * BOUND_SLACK + underflow < tNow) continue;
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

    /** The smallest float at or above x ≥ 0 (float bits of non-negative floats order like the floats). */
    private static float roundUp(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }

    /**
     * Positions 0..len-1 sorted by norm, largest first ({@link Double#compare}), ties by position: a stable LSD radix
     * sort, one byte per pass, on 64-bit keys whose unsigned order is the descending {@link Double#compare} order.
     */
    static int[] byNormDescending(double[] norm) {
        int n = norm.length;
        long[] key = new long[n], keyOut = new long[n];
        int[] idx = new int[n], idxOut = new int[n];
        for (int i = 0; i < n; i++) {
            long bits = Double.doubleToLongBits(norm[i]);
            long ascending = bits ^ ((bits >> 63) & Long.MAX_VALUE); // signed order = Double.compare order
            key[i] = ~ascending ^ Long.MIN_VALUE;                     // unsigned order = descending
            idx[i] = i;
        }
        int[] start = new int[257];
        for (int shift = 0; shift < 64; shift += 8) {
            Arrays.fill(start, 0);
            for (int i = 0; i < n; i++) start[(int) (key[i] >>> shift & 0xFF) + 1]++;
            boolean oneBucket = false;
            for (int d = 1; d <= 256; d++) oneBucket |= start[d] == n;
            if (oneBucket) continue; // every key has this byte: the pass would not move anything
            for (int d = 0; d < 256; d++) start[d + 1] += start[d];
            for (int i = 0; i < n; i++) {
                int at = start[(int) (key[i] >>> shift & 0xFF)]++;
                keyOut[at] = key[i];
                idxOut[at] = idx[i];
            }
            long[] k = key;
            key = keyOut;
            keyOut = k;
            int[] x = idx;
            idx = idxOut;
            idxOut = x;
        }
        return idx;
    }
}
