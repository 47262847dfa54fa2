package org.vecformer.engine.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.vecformer.engine.parallel.Parallel;

/**
 * The product M = A·B kept as its factors, A [m, r] and B [r, n], so that a low-rank matrix such as the
 * QK circuit W_E·W_Q·W_Kᵀ·W_Eᵀ [d_vocab, d_vocab] (r = d_head) is never stored at m×n. Every method works
 * through the factors or the small r×r side; only {@link #materialize()} builds M.
 *
 * <p>Scans over all entries ({@link #topK}, {@link #rowArgMax}) compute M a tile at a time (a block of
 * rows × a block of columns, each entry {@code M[i][j] = Σ_k A[i][k]·B[k][j]} summed in k order, so it
 * equals {@link #get} bitwise) and split the rows over {@link Parallel#forRange}; results do not depend on
 * the thread count. Ordering of entries: by value with {@link Double#compare} (NaN above +∞), and among
 * equal values the earlier one in row-major order (smaller row, then smaller column) ranks higher.
 *
 * @param a the left factor A [m, r]
 * @param b the right factor B [r, n]
 */
public record FactoredMatrix(Matrix a, Matrix b) {
    private static final int BLOCK_ROWS = 32;
    private static final int TILE_COLS = 256;

    /** One entry M[row][col] = value. */
    public record Entry(int row, int col, double value) {}

    /** Best first: larger value (Double.compare), then smaller row, then smaller column. */
    public static final Comparator<Entry> BEST_FIRST = (x, y) -> {
        int c = Double.compare(y.value, x.value);
        if (c != 0) return c;
        c = Integer.compare(x.row, y.row);
        return c != 0 ? c : Integer.compare(x.col, y.col);
    };

    /** The product A·B of A [m, r] and B [r, n]; the inner dimensions must agree. */
    public FactoredMatrix {
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("inner dimensions differ: A [" + a.rows() + ", " + a.cols() + "], B [" + b.rows() + ", " + b.cols() + "]");
        }
    }

    /** m, the number of rows of A·B. */
    public int rows() {
        return a.rows();
    }

    /** n, the number of columns of A·B. */
    public int cols() {
        return b.cols();
    }

    /** r, the inner dimension (an upper bound on the rank). */
    public int innerDim() {
        return a.cols();
    }

    /**
     * (A·B)·C for C [n, p], kept factored with inner dimension min(r, n): A·(B·C) when r ≤ n, else (A·B)·C
     * with A·B [m, n] as the new left factor.
     */
    public FactoredMatrix multiply(Matrix c) {
        if (c.rows() != cols()) throw shapes("multiply", c.rows(), c.cols());
        return cols() < innerDim() ? new FactoredMatrix(a.multiply(b), c) : new FactoredMatrix(a, b.multiply(c));
    }

    /**
     * (A·B)·(C·D) = ((A·B)·C)·D, kept factored; the inner dimension is min(r, n, r'), r' that of C·D.
     */
    public FactoredMatrix multiply(FactoredMatrix o) {
        return multiply(o.a).multiply(o.b);
    }

    /**
     * C·(A·B) for C [p, m], kept factored with inner dimension min(r, m): (C·A)·B when r ≤ m, else
     * C·(A·B) with A·B [m, n] as the new right factor.
     */
    public FactoredMatrix leftMultiply(Matrix c) {
        if (c.cols() != rows()) throw shapes("left-multiply", c.rows(), c.cols());
        return rows() < innerDim() ? new FactoredMatrix(c, a.multiply(b)) : new FactoredMatrix(c.multiply(a), b);
    }

    /** (C·D)·(A·B) = C·(D·(A·B)), kept factored; the inner dimension is min(r, m, r'), r' that of C·D. */
    public FactoredMatrix leftMultiply(FactoredMatrix o) {
        return leftMultiply(o.b).leftMultiply(o.a);
    }

    private IllegalArgumentException shapes(String op, int rows, int cols) {
        return new IllegalArgumentException("cannot " + op + " [" + rows() + ", " + cols() + "] (factored) by [" + rows + ", " + cols + "]");
    }

    /** (A·B)ᵀ = Bᵀ·Aᵀ, kept factored. */
    public FactoredMatrix transpose() {
        return new FactoredMatrix(b.transpose(), a.transpose());
    }

    /**
     * ‖A·B‖_F = sqrt(trace((AᵀA)(BBᵀ))) = sqrt(Σ_ij (AᵀA)[i][j]·(BBᵀ)[i][j]), computed on the r×r Gram
     * matrices (clamped at 0 against rounding).
     */
    public double frobeniusNorm() {
        Matrix g = a.transpose().multiply(a), h = b.multiply(b.transpose());
        double s = 0;
        for (int i = 0; i < innerDim(); i++) {
            for (int j = 0; j < innerDim(); j++) s += g.get(i, j) * h.get(i, j);
        }
        return Math.sqrt(Math.max(0, s));
    }

    /**
     * Eigenvalues of the square A·B [m, m] through the smaller side: when r ≤ m, the r eigenvalues of
     * B·A [r, r] (A·B has the same non-zero eigenvalues with multiplicity, and m − r more zeros); when
     * m &lt; r, those of A·B itself [m, m]. Sorted as {@link Eigen}.
     */
    public Eigen eigenvalues() {
        if (rows() != cols()) throw new IllegalArgumentException("eigenvalues need a square product, not [" + rows() + ", " + cols() + "]");
        return innerDim() <= rows() ? Eigen.of(b.multiply(a)) : Eigen.of(a.multiply(b));
    }

    /**
     * Thin SVD of A·B through the factors: A = Q_A·R_A and Bᵀ = Q_B·R_B (Householder QR), so
     * A·B = Q_A·(R_A·R_Bᵀ)·Q_Bᵀ; with the small core R_A·R_Bᵀ = U'·diag(s)·V'ᵀ, A·B = (Q_A·U')·diag(s)·(Q_B·V')ᵀ.
     * U [m, k], V [n, k], k = min(m, n, r).
     */
    public SVD svd() {
        QR qa = QR.of(a), qb = QR.of(b.transpose());
        SVD core = SVD.of(qa.r().multiply(qb.r().transpose()));
        return new SVD(qa.q().multiply(core.u()), core.s(), qb.q().multiply(core.v()));
    }

    /** The min(m, n, r) singular values of A·B, descending (see {@link #svd()}). */
    public double[] singularValues() {
        return svd().s();
    }

    /** Entry (A·B)[i][j] = Σ_k A[i][k]·B[k][j], summed in k order. */
    public double get(int i, int j) {
        if (i < 0 || i >= rows() || j < 0 || j >= cols()) {
            throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside [" + rows() + ", " + cols() + "]");
        }
        double[] ad = a.data(), bd = b.data();
        int r = innerDim(), n = cols();
        double s = 0;
        for (int k = 0; k < r; k++) s += ad[i * r + k] * bd[k * n + j];
        return s;
    }

    /** Row i of A·B: {@code row[j] = Σ_k A[i][k]·B[k][j]}, n values. */
    public double[] row(int i) {
        if (i < 0 || i >= rows()) throw new IndexOutOfBoundsException("row " + i + " outside [0, " + rows() + ")");
        double[] out = new double[cols()];
        productTile(i, i + 1, 0, cols(), out, cols());
        return out;
    }

    /** The full product A·B [m, n] as a dense matrix — for small cases and tests only. */
    public Matrix materialize() {
        return a.multiply(b);
    }

    /**
     * For each row i, the column of its largest entry: argmax_j (A·B)[i][j] in the {@link Double#compare}
     * order (NaN largest); ties go to the smallest j. Computed tile by tile, never holding more than a
     * block of rows × a block of columns. Needs n ≥ 1.
     */
    public int[] rowArgMax() {
        int m = rows(), n = cols();
        if (n == 0 && m > 0) throw new IllegalStateException("no columns to take an argmax over");
        int[] arg = new int[m];
        double[] best = new double[m];
        Parallel.forRange(m, grain(), (from, to) -> scan(from, to, (i, j0, j1, tile, off) -> {
            double bestValue = j0 == 0 ? tile[off] : best[i];
            int bestCol = j0 == 0 ? 0 : arg[i];
            for (int j = j0; j < j1; j++) {
                double v = tile[off + j - j0];
                if (v > bestValue || (v == bestValue || v != v) && Double.compare(v, bestValue) > 0) { // NaN
                    bestValue = v;
                    bestCol = j;
                }
            }
            best[i] = bestValue;
            arg[i] = bestCol;
        }));
        return arg;
    }

    /**
     * The k largest entries of A·B with their (row, col), best first in the {@link #BEST_FIRST} order
     * (value descending, ties by smaller row then smaller column), so the answer is unique; k is capped at m·n.
     * Finite factors go through {@link PrunedTopK} (Cauchy–Schwarz-pruned float tiles, candidates re-scored
     * in double); others (NaN, infinities, float overflow) through a full scan in double.
     */
    public List<Entry> topK(int k) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, not " + k);
        if (k == 0) return List.of();
        return PrunedTopK.topK(this, k).orElseGet(() -> scanTopK(k));
    }

    /**
     * {@link #topK} by computing every entry in double: each block of rows keeps its own k best in a heap,
     * and the blocks' candidates are merged at the end.
     */
    private List<Entry> scanTopK(int k) {
        int m = rows(), grain = grain(), chunks = (m + grain - 1) / grain;
        List<List<Entry>> perChunk = new ArrayList<>();
        for (int c = 0; c < chunks; c++) perChunk.add(null);
        if (k > 0) {
            Parallel.forRange(m, grain, (from, to) -> {
                PriorityQueue<Entry> heap = new PriorityQueue<>(BEST_FIRST.reversed()); // worst on top
                double[] worst = {Double.NEGATIVE_INFINITY}; // the heap's worst value once it holds k
                scan(from, to, (i, j0, j1, tile, off) -> {
                    for (int j = j0; j < j1; j++) {
                        double v = tile[off + j - j0];
                        if (v < worst[0]) continue; // cannot rank above the worst kept entry
                        if (heap.size() < k) {
                            heap.add(new Entry(i, j, v));
                        } else if (ranksAbove(v, i, j, heap.peek())) {
                            heap.poll();
                            heap.add(new Entry(i, j, v));
                        } else {
                            continue;
                        }
                        if (heap.size() == k) worst[0] = heap.peek().value();
                    }
                });
                perChunk.set(from / grain, new ArrayList<>(heap));
            });
        }
        List<Entry> all = new ArrayList<>();
        for (List<Entry> c : perChunk) if (c != null) all.addAll(c);
        all.sort(BEST_FIRST);
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    /** Whether (v at row i, col j) ranks above e in the {@link #BEST_FIRST} order. */
    static boolean ranksAbove(double v, int i, int j, Entry e) {
        int c = Double.compare(v, e.value);
        if (c != 0) return c > 0;
        return i != e.row ? i < e.row : j < e.col;
    }

    /** Rows per parallel chunk: about one chunk per thread, at least one block. */
    private int grain() {
        int t = Parallel.threads();
        return Math.max(BLOCK_ROWS, (rows() + t - 1) / t);
    }

    /** Receives one row piece of a tile: (A·B)[i][j0..j1) = tile[off .. off + j1 − j0). */
    @FunctionalInterface
    private interface TileVisitor {
        void visit(int i, int j0, int j1, double[] tile, int off);
    }

    /**
     * Computes rows [from, to) of A·B tile by tile (BLOCK_ROWS × TILE_COLS) and hands each row piece to
     * the visitor; for a given row the pieces come in increasing column order.
     */
    private void scan(int from, int to, TileVisitor visitor) {
        double[] tile = new double[BLOCK_ROWS * TILE_COLS]; // [BLOCK_ROWS, TILE_COLS]
        int n = cols();
        for (int i0 = from; i0 < to; i0 += BLOCK_ROWS) {
            int i1 = Math.min(to, i0 + BLOCK_ROWS);
            for (int j0 = 0; j0 < n; j0 += TILE_COLS) {
                int j1 = Math.min(n, j0 + TILE_COLS);
                productTile(i0, i1, j0, j1, tile, TILE_COLS);
                for (int i = i0; i < i1; i++) visitor.visit(i, j0, j1, tile, (i - i0) * TILE_COLS);
            }
        }
    }

    /**
     * out[(i − i0)·ld + (j − j0)] = Σ_k A[i][k]·B[k][j] for i in [i0, i1), j in [j0, j1), each sum
     * accumulated left to right in k order from 0, exactly as {@link #get}. Rows go in pairs and k in
     * fours so that each pass over a row of out adds four terms to two rows (written as one left-to-right
     * sum, which keeps the order); the loops over j are plain enough for the JIT to vectorise.
     */
    private void productTile(int i0, int i1, int j0, int j1, double[] out, int ld) {
        double[] ad = a.data(), bd = b.data();
        int r = innerDim(), n = cols(), w = j1 - j0;
        for (int i = i0; i < i1; i += 2) {
            int o = (i - i0) * ld, p = o + ld, ai = i * r, ap = ai + r;
            boolean pair = i + 1 < i1;
            Arrays.fill(out, o, o + w, 0);
            if (pair) Arrays.fill(out, p, p + w, 0);
            int k = 0;
            for (; k + 4 <= r; k += 4) {
                int b0 = k * n + j0, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
                double x0 = ad[ai + k], x1 = ad[ai + k + 1], x2 = ad[ai + k + 2], x3 = ad[ai + k + 3];
                if (pair) {
                    double y0 = ad[ap + k], y1 = ad[ap + k + 1], y2 = ad[ap + k + 2], y3 = ad[ap + k + 3];
                    for (int j = 0; j < w; j++) {
                        double c0 = bd[b0 + j], c1 = bd[b1 + j], c2 = bd[b2 + j], c3 = bd[b3 + j];
                        out[o + j] = out[o + j] + x0 * c0 + x1 * c1 + x2 * c2 + x3 * c3;
                        out[p + j] = out[p + j] + y0 * c0 + y1 * c1 + y2 * c2 + y3 * c3;
                    }
                } else {
                    for (int j = 0; j < w; j++) {
                        out[o + j] = out[o + j] + x0 * bd[b0 + j] + x1 * bd[b1 + j] + x2 * bd[b2 + j] + x3 * bd[b3 + j];
                    }
                }
            }
            for (; k < r; k++) {
                int bk = k * n + j0;
                double x = ad[ai + k];
                for (int j = 0; j < w; j++) out[o + j] += x * bd[bk + j];
                if (pair) {
                    double y = ad[ap + k];
                    for (int j = 0; j < w; j++) out[p + j] += y * bd[bk + j];
                }
            }
        }
    }
}
