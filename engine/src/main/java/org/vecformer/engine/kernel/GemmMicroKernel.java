package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled micro-kernel: one {@code MR × NR} tile of C (6 rows × 2 vectors) from an
 * A micro-panel ({@code MR × kc}, element (r, p) at {@code a[aAt + r·rs + p·ps]}: packed, {@code rs = 1,
 * ps = MR}, or rows of op(A) read in place) and a packed B micro-panel ({@code kc × NR}), layouts in
 * {@link GemmPacking}:
 * <pre>
 *   acc[r][j] = Σ_{p &lt; kc} A[r][p] · Bp[p·NR + j]             (fma, p ascending)
 *   C[r][j]   = alpha·acc[r][j]                                 if beta == 0
 *             = fma(acc[r][j], alpha, beta·C[r][j])             otherwise
 * </pre>
 * The twelve accumulators live in registers; each k step loads two B vectors once and broadcasts six
 * A elements. The accumulators are then spilled to the {@code acc} scratch tile and C is updated from
 * it, whole vectors where a row of the tile is full and scalars (same arithmetic) past the edge of C, so
 * an element's bits never depend on where its tile falls. (Updating C straight from the registers in one
 * branch and through scratch in another makes C2 box the accumulators inside the k loop.)
 */
final class GemmMicroKernel {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = Simd.LANES;

    private GemmMicroKernel() {}

    /**
     * Computes the tile of C at {@code cAt} (leading dimension {@code ldc}) whose valid part is
     * {@code rows × cols} ({@code <= MR × NR}), from the A panel described above and the B panel at
     * {@code bp[bAt..]}. Rows of A past {@code rows} are never read (the last valid row stands in for them
     * and their results are dropped). {@code acc} is scratch of at least {@code MR·NR} floats.
     */
    static void tile(int kc, float[] a, int aAt, int rs, int ps, float[] bp, int bAt, float alpha, float beta,
                     float[] c, int cAt, int ldc, int rows, int cols, float[] acc) {
        int last = rows - 1;
        int o1 = Math.min(1, last) * rs, o2 = Math.min(2, last) * rs, o3 = Math.min(3, last) * rs;
        int o4 = Math.min(4, last) * rs, o5 = Math.min(5, last) * rs;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pa = aAt + p * ps, pb = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, a[pa]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[pa + o1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[pa + o2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[pa + o3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[pa + o4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[pa + o5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(acc, 0 * NR);
        c01.intoArray(acc, 0 * NR + L);
        c10.intoArray(acc, 1 * NR);
        c11.intoArray(acc, 1 * NR + L);
        c20.intoArray(acc, 2 * NR);
        c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR);
        c31.intoArray(acc, 3 * NR + L);
        c40.intoArray(acc, 4 * NR);
        c41.intoArray(acc, 4 * NR + L);
        c50.intoArray(acc, 5 * NR);
        c51.intoArray(acc, 5 * NR + L);
        update(acc, alpha, beta, c, cAt, ldc, rows, cols);
    }

    /** {@code C[r][j] = alpha·acc[r·NR + j] + beta·C[r][j]} over the valid {@code rows × cols} of a tile. */
    private static void update(float[] acc, float alpha, float beta, float[] c, int cAt, int ldc, int rows, int cols) {
        FloatVector alphaV = FloatVector.broadcast(S, alpha);
        for (int r = 0; r < rows; r++) {
            int ci = cAt + r * ldc, t = r * NR, j = 0;
            if (beta == 0) {
                for (; j + L <= cols; j += L) FloatVector.fromArray(S, acc, t + j).mul(alphaV).intoArray(c, ci + j);
            } else {
                for (; j + L <= cols; j += L) {
                    FloatVector.fromArray(S, acc, t + j).fma(alphaV, FloatVector.fromArray(S, c, ci + j).mul(beta)).intoArray(c, ci + j);
                }
            }
            for (; j < cols; j++) c[ci + j] = beta == 0 ? alpha * acc[t + j] : Math.fma(acc[t + j], alpha, beta * c[ci + j]);
        }
    }
}
