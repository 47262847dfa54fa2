package org.vecformer.engine.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * Row softmax and log-softmax in float lanes with {@link VectorExp} (2^x for softmax, e^x for log-softmax), parallel over rows (each row is one
 * thread's output, so results do not depend on the thread count). Twin: {@link org.vecformer.engine.reference.RefSoftmax}.
 */
public final class Softmax {
    private static final VectorSpecies<Float> S = Simd.F;
    /** Elements of work per parallel chunk: smaller problems run on the calling thread. */
    private static final double LOG2E = 1.4426950408889634;

    private Softmax() {}

    /**
     * For each row r of x [rows, cols] (leading dimension ld):
     * {@code out[r][c] = exp(s·x[r][c] - m) / Σ_c' exp(s·x[r][c'] - m)} with {@code m = max_c s·x[r][c]}.
     * With {@code causal}, row r is the query at position {@code firstQuery + r} and columns after it get
     * exactly 0. {@code out} [rows, cols] (leading dimension ldOut) may be x itself.
     */
    public static void softmax(float[] x, int xOff, int ld, int rows, int cols, float scale,
                               boolean causal, int firstQuery, float[] out, int outOff, int ldOut) {
        Parallel.forRange(rows, KernelSizes.rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int visible = causal ? Math.max(0, Math.min(cols, firstQuery + r + 1)) : cols;
                row(x, xOff + r * ld, visible, scale, out, outOff + r * ldOut);
                Arrays.fill(out, outOff + r * ldOut + visible, outOff + r * ldOut + cols, 0f);
            }
        });
    }

    /**
     * {@code out[c] = exp(s·x[c] - m) / Σ exp(s·x[c'] - m)} over one row of n elements; out may be x.
     * Computed as {@code 2^(x[c]·s' - m')} with {@code s' = s·log2 e} and {@code m' = max_c x[c]·s'}, so every
     * exponent is at most 0 and {@link VectorExp#exp2NonPositive} applies.
     */
    static void row(float[] x, int xOff, int n, float scale, float[] out, int outOff) {
        if (n == 0) return;
        int step = S.length();
        float s2 = (float) (scale * LOG2E);
        FloatVector s = FloatVector.broadcast(S, s2);
        float max = scaledMax(x, xOff, n, s);
        FloatVector negMax = FloatVector.broadcast(S, -max);
        FloatVector sum = FloatVector.zero(S);
        int i;
        for (i = 0; i <= n - step; i += step) {
            FloatVector e = VectorExp.exp2NonPositive(FloatVector.fromArray(S, x, xOff + i).fma(s, negMax));
            e.intoArray(out, outOff + i);
            sum = sum.add(e);
        }
        float total = VectorOps.sumLanesPairwise(sum);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = VectorExp.exp2NonPositive(FloatVector.fromArray(S, x, xOff + i, m).fma(s, negMax));
            e.intoArray(out, outOff + i, m);
            total += VectorOps.sumLanesPairwise(FloatVector.zero(S).blend(e, m));
        }
        VectorOps.scale(n, 1f / total, out, outOff);
    }

    /** {@code max_i s·x[i]} over n >= 1 elements, two accumulators so the max chain does not bound the loop. */
    private static float scaledMax(float[] x, int xOff, int n, FloatVector s) {
        int step = S.length();
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i <= n - 2 * step; i += 2 * step) {
            m0 = m0.max(FloatVector.fromArray(S, x, xOff + i).mul(s));
            m1 = m1.max(FloatVector.fromArray(S, x, xOff + i + step).mul(s));
        }
        for (; i < n; i += step) {
            VectorMask<Float> m = S.indexInRange(i, n);
            m0 = m0.blend(m0.max(FloatVector.fromArray(S, x, xOff + i, m).mul(s)), m);
        }
        return m0.max(m1).reduceLanes(VectorOperators.MAX);
    }

    /**
     * {@code out[r][c] = x[r][c] - m - log Σ_c' exp(x[r][c'] - m)} with {@code m = max_c x[r][c]} (no scale,
     * no mask). {@code out} may be x itself.
     */
    public static void logSoftmax(float[] x, int xOff, int ld, int rows, int cols, float[] out, int outOff, int ldOut) {
        Parallel.forRange(rows, KernelSizes.rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                float logZ = VectorOps.logSumExp(x, xOff + r * ld, cols);
                int step = S.length();
                for (int i = 0; i < cols; i += step) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector.fromArray(S, x, xOff + r * ld + i, m).sub(logZ).intoArray(out, outOff + r * ldOut + i, m);
                }
            }
        });
    }

}
