package org.vecformer.engine.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * Row softmax and log-softmax in float lanes with {@link VectorExp}, parallel over rows (each row is one
 * thread's output, so results do not depend on the thread count). Twin: {@link org.vecformer.engine.reference.RefSoftmax}.
 */
public final class Softmax {
    private static final VectorSpecies<Float> S = Simd.F;
    /** Elements of work per parallel chunk: smaller problems run on the calling thread. */
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private Softmax() {}

    /**
     * For each row r of x [rows, cols] (leading dimension ld):
     * {@code out[r][c] = exp(s·x[r][c] - m) / Σ_c' exp(s·x[r][c'] - m)} with {@code m = max_c s·x[r][c]}.
     * With {@code causal}, row r is the query at position {@code firstQuery + r} and columns after it get
     * exactly 0. {@code out} [rows, cols] (leading dimension ldOut) may be x itself.
     */
    public static void softmax(float[] x, int xOff, int ld, int rows, int cols, float scale,
                               boolean causal, int firstQuery, float[] out, int outOff, int ldOut) {
        Parallel.forRange(rows, grain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int visible = causal ? Math.max(0, Math.min(cols, firstQuery + r + 1)) : cols;
                row(x, xOff + r * ld, visible, scale, out, outOff + r * ldOut);
                Arrays.fill(out, outOff + r * ldOut + visible, outOff + r * ldOut + cols, 0f);
            }
        });
    }

    /** {@code out[c] = exp(s·x[c] - m) / Σ exp(s·x[c'] - m)} over one row of n elements; out may be x. */
    static void row(float[] x, int xOff, int n, float scale, float[] out, int outOff) {
        if (n == 0) return;
        int step = S.length();
        FloatVector s = FloatVector.broadcast(S, scale);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - step; i += step) mx = mx.max(FloatVector.fromArray(S, x, xOff + i).mul(s));
        float max = mx.reduceLanes(VectorOperators.MAX);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            max = Math.max(max, FloatVector.fromArray(S, x, xOff + i, m).mul(s).reduceLanes(VectorOperators.MAX, m));
        }
        FloatVector negMax = FloatVector.broadcast(S, -max);
        FloatVector sum = FloatVector.zero(S);
        for (i = 0; i <= n - step; i += step) {
            FloatVector e = VectorExp.exp(FloatVector.fromArray(S, x, xOff + i).fma(s, negMax));
            e.intoArray(out, outOff + i);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = VectorExp.exp(FloatVector.fromArray(S, x, xOff + i, m).fma(s, negMax));
            e.intoArray(out, outOff + i, m);
            total += e.reduceLanes(VectorOperators.ADD, m);
        }
        VectorOps.scale(n, 1f / total, out, outOff);
    }

    /**
     * {@code out[r][c] = x[r][c] - m - log Σ_c' exp(x[r][c'] - m)} with {@code m = max_c x[r][c]} (no scale,
     * no mask). {@code out} may be x itself.
     */
    public static void logSoftmax(float[] x, int xOff, int ld, int rows, int cols, float[] out, int outOff, int ldOut) {
        Parallel.forRange(rows, grain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                float logZ = logSumExp(x, xOff + r * ld, cols);
                int step = S.length();
                for (int i = 0; i < cols; i += step) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector.fromArray(S, x, xOff + r * ld + i, m).sub(logZ).intoArray(out, outOff + r * ldOut + i, m);
                }
            }
        });
    }

    /** {@code m + log Σ_i exp(x[i] - m)} with {@code m = max_i x[i]}: the log of softmax's denominator. */
    static float logSumExp(float[] x, int xOff, int n) {
        float max = VectorOps.max(n, x, xOff);
        FloatVector negMax = FloatVector.broadcast(S, -max);
        FloatVector sum = FloatVector.zero(S);
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) sum = sum.add(VectorExp.exp(FloatVector.fromArray(S, x, xOff + i).add(negMax)));
        float total = sum.reduceLanes(VectorOperators.ADD);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            total += VectorExp.exp(FloatVector.fromArray(S, x, xOff + i, m).add(negMax)).reduceLanes(VectorOperators.ADD, m);
        }
        return (float) (max + Math.log(total));
    }

    /** Rows per parallel chunk for rows of n elements. */
    static int grain(int n) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, n));
    }
}
