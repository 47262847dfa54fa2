package org.vecformer.engine.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * Fused causal multi-head attention, flash-attention style. Twin: {@link org.vecformer.engine.reference.RefAttention}
 * (same signatures, same layout: Q, K, V and Z are row-major [T, ·] blocks with row strides {@code ld}/{@code ldz},
 * head h in columns {@code [h·dHead, (h+1)·dHead)}, so Q, K and V may be column blocks of one fused buffer).
 * <pre>
 *   scores[h][i][j]  = (q_i^h · k_j^h) / sqrt(dHead)     for j &lt;= i, masked (-∞) for j &gt; i
 *   pattern[h][i][j] = softmax_j(scores[h][i][·])
 *   z_i^h            = Σ_j pattern[h][i][j] · v_j^h
 * </pre>
 *
 * <p>How: one task per (head, tile of {@link #QUERY_TILE} queries), handed to {@link Parallel#forRange}; each
 * task writes only its own rows of z (and of the pattern), so results are the same bits for any thread count.
 * Tasks go head by head (that head's K and V stay in cache), the longest query tiles of a head first.
 * A task walks the key tiles of {@link #KEY_TILE} keys up to its last visible key (tiles entirely above the
 * diagonal are never touched, and on the diagonal the first half of the queries skips the keys after its last one)
 * keeping, per query, the running maximum m, the running denominator l and an
 * unnormalised output o (online softmax):
 * <pre>
 *   S      = Q_tile · K_tileᵀ / sqrt(dHead)                    (held transposed, [key][query], query in lanes)
 *   m'     = max(m, max_j S[·][j]);   α = e^(m - m');   P = e^(S - m')
 *   l      = α·l + Σ_j P[·][j];       o = α·o + P · V_tile;     m = m'    (o also held transposed)
 *   z      = o / l                                             (after the last key tile)
 * </pre>
 * The exponentials run as {@link VectorExp#exp2NonPositive} on scores carried in log2 units (log2 e is folded
 * into the scale applied to Q once per tile), so no argument is ever positive. On the tiles below the diagonal, where
 * no key is hidden, Q·Kᵀ folds each score into m' while it is still in a register (no pass over S for the maxima);
 * that and the exponentials' single call site (see foldColumn) took 0-5% off T = 1,024 (median of paired rounds
 * 0.95-1.00 over eight runs), 2-6% off T = 256 and 9% off T = 1,024 with the pattern (one thread, both builds in
 * one process, Zen 5).
 * No T×T buffer exists. When a pattern is asked for, each S tile is also copied, transposed, into the pattern's rows
 * before its exponentials, and once the tile's last key is folded a pass over those rows writes {@code e^(S - m) / l}
 * with the final m and l; z is computed exactly as without the pattern. Fewer than {@link Simd#LANES} queries
 * (decoding with a KV cache) run one query row at a time instead, vectorised over dHead ({@link AttentionRow}).
 * Per-thread scratch is kept in a {@link ThreadLocal} and reused.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    /** Queries per tile: four vectors of lanes (the width of the Q·Kᵀ register tile). */
    public static final int QUERY_TILE = 4 * L;
    /** Keys per tile. */
    public static final int KEY_TILE = 64;

    /** Multiply-adds of query-row work below which a chunk of the row path is not worth a thread hand-off. */
    private static final int ROW_GRAIN_WORK = 1 << 15;
    private static final double LOG2E = 1.4426950408889634;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Attention() {}

    /** Prefill: queries at positions 0..t-1 against keys 0..t-1. Writes z and, when non-null, pattern [nHeads, t, t] at patternOff. */
    public static void causal(int t, int nHeads, int dHead,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                              float[] z, int zOff, int ldz, float[] pattern, int patternOff) {
        decode(0, t, nHeads, dHead, q, qOff, ld, k, kOff, v, vOff, ld, z, zOff, ldz, pattern, patternOff);
    }

    /**
     * Decode: {@code nq} new queries at positions {@code p..p+nq-1} (rows of q) against a K/V cache of
     * {@code p+nq} rows. Writes z [nq, ·] and, when non-null, pattern [nHeads, nq, p+nq] at patternOff.
     */
    public static void decode(int p, int nq, int nHeads, int dHead,
                              float[] q, int qOff, int ldq, float[] k, int kOff, float[] v, int vOff, int ldkv,
                              float[] z, int zOff, int ldz, float[] pattern, int patternOff) {
        if (p < 0 || nq < 0 || nHeads < 0 || dHead < 1) {
            throw new IllegalArgumentException("attention needs p, nq, nHeads >= 0 and dHead >= 1: p=" + p + " nq=" + nq
                    + " nHeads=" + nHeads + " dHead=" + dHead);
        }
        if (nq == 0 || nHeads == 0) return;
        Problem pr = new Problem(p, nq, dHead, (float) (1 / Math.sqrt(dHead)), q, qOff, ldq, k, kOff, v, vOff, ldkv,
                z, zOff, ldz, pattern, patternOff);
        if (nq < L) {
            int grain = Math.max(1, ROW_GRAIN_WORK / (pr.keys() * dHead));
            Parallel.forRange(nHeads * nq, grain, (from, to) -> {
                Scratch s = SCRATCH.get();
                for (int task = from; task < to; task++) QueryRow.run(pr, task / nq, task % nq, s);
            });
            return;
        }
        int tiles = (nq + QUERY_TILE - 1) / QUERY_TILE;
        Parallel.forRange(nHeads * tiles, 1, (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int task = from; task < to; task++) {
                int tile = tiles - 1 - task % tiles;
                QueryTile.run(pr, task / tiles, tile * QUERY_TILE, Math.min(QUERY_TILE, nq - tile * QUERY_TILE), s);
            }
        });
    }

    /** The arguments of one call; scale = 1/sqrt(dHead). */
    record Problem(int p, int nq, int dHead, float scale, float[] q, int qOff, int ldq, float[] k, int kOff,
                   float[] v, int vOff, int ldkv, float[] z, int zOff, int ldz, float[] pattern, int patternOff) {
        int keys() {
            return p + nq;
        }

        /** Offset of pattern[h][i][0]. */
        int patternRow(int h, int i) {
            return patternOff + (h * nq + i) * keys();
        }
    }

    /** Per-thread buffers, grown on demand and reused across calls. */
    static final class Scratch {
        /** Q tile transposed and pre-scaled: qt[e][i] = q_i[e] · log2 e / sqrt(dHead), [dHead, QUERY_TILE]. */
        float[] qt = new float[0];
        /**
         * Scores, then probabilities, of one key tile, transposed: st[j][i], [KEY_TILE + 2, QUERY_TILE]; in each
         * column the two rows after the last one folded carry the old maximum and a padding row through the
         * exponentials ({@link QueryTile#foldColumn}), hence two rows more than a tile has.
         */
        final float[] st = new float[(KEY_TILE + 2) * QUERY_TILE];
        /** Unnormalised output, transposed: ot[e][i], [dHead, QUERY_TILE]. */
        float[] ot = new float[0];
        /** Running max, running denominator and rescale factor per query of the tile. */
        final float[] m = new float[QUERY_TILE], l = new float[QUERY_TILE], alpha = new float[QUERY_TILE];
        /** The running maximum m' once the current key tile is folded in, per query. */
        final float[] mNew = new float[QUERY_TILE];
        /** One query row's scores (row path), [keys]. */
        float[] w = new float[0];

        void fit(int dHead, int keys) {
            if (qt.length < dHead * QUERY_TILE) {
                qt = new float[dHead * QUERY_TILE];
                ot = new float[dHead * QUERY_TILE];
            }
            if (w.length < keys) w = new float[keys];
        }
    }

    /** The flash path: one head, one tile of queries. */
    static final class QueryTile {
        private static final int QT = QUERY_TILE;
        /** Rows per call of the product that serves the diagonal tile's last two query vectors. */
        private static final int PAIR_ROWS = AttentionBackwardMicro.ROWS;

        private QueryTile() {}

        static void run(Problem pr, int h, int i0, int nqt, Scratch s) {
            int d = pr.dHead(), col = h * d;
            s.fit(d, 0);
            packQueries(pr, col, i0, nqt, s.qt);
            Arrays.fill(s.m, Float.NEGATIVE_INFINITY);
            Arrays.fill(s.l, 0f);
            Arrays.fill(s.ot, 0, d * QT, 0f);
            int keyEnd = pr.p() + i0 + nqt;
            for (int j0 = 0; j0 < keyEnd; j0 += KEY_TILE) {
                int bk = Math.min(KEY_TILE, keyEnd - j0), seen = seenByFirstPair(pr, i0, j0, bk);
                // a tile whose last key the tile's first query sees has nothing to mask: Q·Kᵀ folds the maxima as it goes
                boolean allVisible = j0 + bk - 1 <= pr.p() + i0;
                if (allVisible) {
                    System.arraycopy(s.m, 0, s.mNew, 0, QT);
                    AttentionMicro.qk(s.qt, d, pr.k(), pr.kOff() + j0 * pr.ldkv() + col, pr.ldkv(), bk, s.st, s.mNew);
                } else {
                    scoreTile(pr, col, i0, j0, seen, bk, s);
                }
                if (pr.pattern() != null) {
                    BlockTranspose.transpose(s.st, 0, QT, bk, nqt, pr.pattern(), pr.patternRow(h, i0) + j0, pr.keys());
                }
                if (!allVisible) runningMaxima(seen, bk, s);
                // one call site in a loop: C2 inlines it once, where four calls ran out of its inlining budget and passed
                // their vectors boxed to the calls left out
                for (int c = 0; c < QT; c += L) foldColumn(c < 2 * L ? seen : bk, s, c);
                int vBase = pr.vOff() + j0 * pr.ldkv() + col;
                AttentionMicro.pv(s.st, seen, pr.v(), vBase, pr.ldkv(), d, s.ot, s.alpha);
                // the last two query vectors continue their sums over the rows the first two cannot see:
                // ot[e][2L + c] += Σ_{seen <= j < bk} v[j][e] · st[j][2L + c], in j order as in pv
                for (int e = 0; seen < bk && e < d; e += PAIR_ROWS) {
                    AttentionBackwardMicro.rows(Math.min(PAIR_ROWS, d - e), 2 * L, bk - seen, pr.v(), vBase + seen * pr.ldkv() + e, 1, pr.ldkv(),
                            s.st, seen * QT + 2 * L, QT, s.ot, e * QT + 2 * L, QT);
                }
            }
            writeZ(pr, col, i0, nqt, s);
            if (pr.pattern() != null) normalizePattern(pr, h, i0, nqt, s);
        }

        /**
         * qt[e][i] = q_{i0+i}[col+e] · log2 e / sqrt(dHead), zero for the rows past the last query: a transposed copy
         * ({@link BlockTranspose}), then each row of qt scaled in vectors (one rounding per element, as before).
         */
        private static void packQueries(Problem pr, int col, int i0, int nqt, float[] qt) {
            int d = pr.dHead();
            FloatVector scale = FloatVector.broadcast(S, (float) (LOG2E / Math.sqrt(d)));
            BlockTranspose.transpose(pr.q(), pr.qOff() + i0 * pr.ldq() + col, pr.ldq(), nqt, d, qt, 0, QT);
            for (int e = 0; e < d; e++) {
                if (nqt < QT) Arrays.fill(qt, e * QT + nqt, (e + 1) * QT, 0f);
                for (int c = 0; c < QT; c += L) FloatVector.fromArray(S, qt, e * QT + c).mul(scale).intoArray(qt, e * QT + c);
            }
        }

        /**
         * z_{i0+i}[col+e] = ot[e][i] / l_i for the tile's nqt queries: each row of ot times the vector of 1/l_i (queries
         * in lanes, so in place and in L1; the same product o·(1/l) as element by element), then ot copied transposed
         * into z's rows ({@link BlockTranspose}). Scaling z's rows after the copy instead read them back a second time
         * (level in time at T = 1,024, and masked at the row's end).
         */
        private static void writeZ(Problem pr, int col, int i0, int nqt, Scratch s) {
            int d = pr.dHead();
            for (int c = 0; c < QT; c += L) {
                FloatVector inv = FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, s.l, c));
                for (int e = 0; e < d; e++) FloatVector.fromArray(S, s.ot, e * QT + c).mul(inv).intoArray(s.ot, e * QT + c);
            }
            BlockTranspose.transpose(s.ot, 0, QT, d, nqt, pr.z(), pr.zOff() + i0 * pr.ldz() + col, pr.ldz());
        }

        /**
         * Rows of the key tile at j0 (of bk) that the first two query vectors of the tile can see: key j0+j is visible
         * to query p+i0+i when j0+j &lt;= p+i0+i, so rows j &lt; p+i0+2L-j0 (clamped to [0, bk]). On the diagonal the
         * rows past it are visible to the last two vectors only, and the tile skips the first two's share of them
         * (a quarter of a diagonal tile's products): those rows go through {@link AttentionBackwardMicro#rows}, two
         * vectors wide.
         */
        static int seenByFirstPair(Problem pr, int i0, int j0, int bk) {
            return Math.clamp((long) pr.p() + i0 + 2 * L - j0, 0, bk);
        }

        /**
         * st[j][i] = log2 e · score(i0+i, j0+j), -∞ where key j0+j comes after query position p+i0+i; rows j &gt;= seen
         * only for the last two query vectors (the first two's entries there are all hidden, and left as they were).
         */
        private static void scoreTile(Problem pr, int col, int i0, int j0, int seen, int bk, Scratch s) {
            int kBase = pr.kOff() + j0 * pr.ldkv() + col;
            AttentionMicro.qk(s.qt, pr.dHead(), pr.k(), kBase, pr.ldkv(), seen, s.st, null);
            // st[j][2L + c] = Σ_e k[j][e] · qt[e][2L + c] for seen <= j < bk: one chain of FMAs from zero in e order, as in qk
            for (int j = seen; j < bk; j += PAIR_ROWS) {
                int rows = Math.min(PAIR_ROWS, bk - j);
                for (int r = 0; r < rows; r++) Arrays.fill(s.st, (j + r) * QT + 2 * L, (j + r + 1) * QT, 0f);
                AttentionBackwardMicro.rows(rows, 2 * L, pr.dHead(), pr.k(), kBase + j * pr.ldkv(), pr.ldkv(), 1, s.qt, 2 * L, QT,
                        s.st, j * QT + 2 * L, QT);
            }
            FloatVector negInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < bk; j++) {
                int firstVisible = j0 + j - pr.p() - i0;
                for (int c = j < seen ? 0 : 2 * L; c < QT && c < firstVisible; c += L) {
                    VectorMask<Float> hidden = S.indexInRange(c, firstVisible);
                    FloatVector.fromArray(S, s.st, j * QT + c).blend(negInf, hidden).intoArray(s.st, j * QT + c);
                }
            }
        }

        /**
         * The running maxima of a tile with hidden keys: m' = max(m, max_j st[j][·]) into mNew (log2 units), the first two
         * query vectors only over rows j &lt; seen (the rest are hidden from them, see {@link #seenByFirstPair}). Compare
         * and blend, written out in place: FloatVector.max costs several instructions for Java's NaN and ±0 rules, and a
         * helper method taking vectors, when C2 does not inline it into this large method, boxes them.
         */
        private static void runningMaxima(int seen, int bk, Scratch s) {
            float[] st = s.st;
            FloatVector x0 = FloatVector.fromArray(S, s.m, 0), x1 = FloatVector.fromArray(S, s.m, L);
            FloatVector x2 = FloatVector.fromArray(S, s.m, 2 * L), x3 = FloatVector.fromArray(S, s.m, 3 * L);
            for (int j = 0; j < seen; j++) {
                int row = j * QT;
                FloatVector y0 = FloatVector.fromArray(S, st, row), y1 = FloatVector.fromArray(S, st, row + L);
                FloatVector y2 = FloatVector.fromArray(S, st, row + 2 * L), y3 = FloatVector.fromArray(S, st, row + 3 * L);
                x0 = x0.blend(y0, x0.lt(y0));
                x1 = x1.blend(y1, x1.lt(y1));
                x2 = x2.blend(y2, x2.lt(y2));
                x3 = x3.blend(y3, x3.lt(y3));
            }
            for (int j = seen; j < bk; j++) {
                int row = j * QT;
                FloatVector y2 = FloatVector.fromArray(S, st, row + 2 * L), y3 = FloatVector.fromArray(S, st, row + 3 * L);
                x2 = x2.blend(y2, x2.lt(y2));
                x3 = x3.blend(y3, x3.lt(y3));
            }
            x0.intoArray(s.mNew, 0);
            x1.intoArray(s.mNew, L);
            x2.intoArray(s.mNew, 2 * L);
            x3.intoArray(s.mNew, 3 * L);
        }

        /**
         * Folds rows j &lt; bk of the tile into the query lanes [c, c+L) given their new maximum m' (mNew):
         * <pre>
         *   st[j] = 2^(st[j] - m'),   α = 2^(m - m'),   l = α·l + Σ_j st[j],   m = m'
         * </pre>
         * Two rows per iteration, summed into two partial sums (even and odd rows, added at the end): one exponential
         * is a chain of about twenty dependent instructions, and two independent chains side by side took 1-4% off the
         * whole kernel at T = 1,024 (one thread). α rides through the same two exponentials as row bk (holding m), with
         * a row of -∞ (2^-∞ = 0) after it when the count is odd, and stays out of the sums by a mask: a third or
         * fourth call of the exponential here went past C2's inlining budget, and the call it left boxed its vectors.
         */
        private static void foldColumn(int bk, Scratch s, int c) {
            float[] st = s.st;
            FloatVector mx = FloatVector.fromArray(S, s.mNew, c);
            FloatVector sum = FloatVector.zero(S), sumOdd = sum;
            FloatVector.fromArray(S, s.m, c).intoArray(st, bk * QT + c);
            int rows = bk + 1;
            if ((rows & 1) != 0) FloatVector.broadcast(S, Float.NEGATIVE_INFINITY).intoArray(st, rows * QT + c);
            for (int j = 0; j < rows; j += 2) {
                FloatVector e = VectorExp.exp2NonPositive(FloatVector.fromArray(S, st, j * QT + c).sub(mx));
                FloatVector f = VectorExp.exp2NonPositive(FloatVector.fromArray(S, st, (j + 1) * QT + c).sub(mx));
                e.intoArray(st, j * QT + c);
                f.intoArray(st, (j + 1) * QT + c);
                sum = sum.add(e, S.maskAll(j < bk));
                sumOdd = sumOdd.add(f, S.maskAll(j + 1 < bk));
            }
            sum = sum.add(sumOdd);
            FloatVector alpha = FloatVector.fromArray(S, st, bk * QT + c);
            alpha.intoArray(s.alpha, c);
            FloatVector.fromArray(S, s.l, c).fma(alpha, sum).intoArray(s.l, c);
            mx.intoArray(s.m, c);
        }

        /**
         * pattern[h][i0+i][j] = 2^(S[i][j] - m_i) / l_i for the keys j &lt;= p+i0+i that query i sees (the rows hold
         * the tile's S, copied there before its exponentials), exact zeros after them; the same value, bit for bit, as
         * a second pass recomputing S would give, without a second Q·Kᵀ.
         */
        private static void normalizePattern(Problem pr, int h, int i0, int nqt, Scratch s) {
            float[] pattern = pr.pattern();
            for (int i = 0; i < nqt; i++) {
                int row = pr.patternRow(h, i0 + i), visible = pr.p() + i0 + i + 1;
                FloatVector mx = FloatVector.broadcast(S, s.m[i]), invL = FloatVector.broadcast(S, 1f / s.l[i]);
                int j = 0;
                for (; j + L <= visible; j += L) {
                    VectorExp.exp2NonPositive(FloatVector.fromArray(S, pattern, row + j).sub(mx)).mul(invL).intoArray(pattern, row + j);
                }
                if (j < visible) {
                    VectorMask<Float> in = S.indexInRange(j, visible);
                    VectorExp.exp2NonPositive(FloatVector.fromArray(S, pattern, row + j, in).sub(mx)).mul(invL).intoArray(pattern, row + j, in);
                }
                Arrays.fill(pattern, row + visible, row + pr.keys(), 0f);
            }
        }
    }

    /** The decode path for a few queries: one head, one query row, vectorised over dHead. */
    static final class QueryRow {
        private QueryRow() {}

        static void run(Problem pr, int h, int i, Scratch s) {
            int d = pr.dHead(), col = h * d, visible = pr.p() + i + 1;
            s.fit(d, pr.keys());
            float[] w = s.w;
            int qRow = pr.qOff() + i * pr.ldq() + col;
            for (int j = 0; j < visible; j++) w[j] = AttentionRow.dot(d, pr.q(), qRow, pr.k(), pr.kOff() + j * pr.ldkv() + col);
            Softmax.row(w, 0, visible, pr.scale(), w, 0);
            if (pr.pattern() != null) {
                int row = pr.patternRow(h, i);
                System.arraycopy(w, 0, pr.pattern(), row, visible);
                Arrays.fill(pr.pattern(), row + visible, row + pr.keys(), 0f);
            }
            AttentionRow.weightedRows(visible, w, pr.v(), pr.vOff() + col, pr.ldkv(), d, pr.z(), pr.zOff() + i * pr.ldz() + col);
        }
    }
}
