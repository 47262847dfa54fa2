package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Level-1 SIMD kernels on contiguous float runs ({@code x[xOff .. xOff+n)}), BLAS style.
 * Each has a plain twin in {@link org.vecformer.engine.reference.ScalarOps}.
 * Main loops run whole vectors unmasked; the tail runs one masked vector.
 */
public final class VectorOps {
    private static final VectorSpecies<Float> S = Simd.F;
    /** Lane i ↔ lane (i xor h), the halving steps of {@link #sumLanesPairwise}; a step whose h is not below the lane count is never taken. */
    private static final VectorShuffle<Float> XOR1 = xor(1), XOR2 = xor(2), XOR4 = xor(4), XOR8 = xor(8);

    private VectorOps() {}

    /** {@code Σ_i x[i]·y[i]}, accumulated in float lanes (two accumulators), summed across lanes at the end. */
    public static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int step = S.length();
        int i = 0;
        for (; i <= n - 2 * step; i += 2 * step) {
            acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xOff + i + step).fma(FloatVector.fromArray(S, y, yOff + i + step), acc1);
        }
        for (; i < n; i += step) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc0 = FloatVector.fromArray(S, x, xOff + i, m).fma(FloatVector.fromArray(S, y, yOff + i, m), acc0);
        }
        return sumLanes(acc0.add(acc1));
    }

    /**
     * {@code v[0] + v[1] + … + v[lanes-1]}, added in that order. Not {@code reduceLanes(ADD)}: its order is left to
     * the implementation, and measured on this JDK the interpreter's fallback and C2's intrinsic give different bits
     * for most vectors, so a result would depend on whether the caller had been compiled yet (breaking bit-exact
     * training runs and resumes).
     */
    static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int l = 0; l < S.length(); l++) s += v.lane(l);
        return s;
    }

    private static VectorShuffle<Float> xor(int h) {
        return VectorShuffle.fromOp(S, i -> (i ^ h) & (S.length() - 1));
    }

    /**
     * {@code v[0] + … + v[lanes-1]} added pairwise in halving steps: lane i + lane (i xor h) for h = lanes/2, …, 1.
     * Another fixed order made of exact lanewise adds, so it too has the same bits compiled or interpreted; it costs
     * log2(lanes) shuffles instead of {@link #sumLanes}'s lane extractions, which matters on short rows.
     */
    static float sumLanesPairwise(FloatVector v) {
        int lanes = S.length();
        if (lanes > 8) v = v.add(v.rearrange(XOR8));
        if (lanes > 4) v = v.add(v.rearrange(XOR4));
        if (lanes > 2) v = v.add(v.rearrange(XOR2));
        if (lanes > 1) v = v.add(v.rearrange(XOR1));
        return v.lane(0);
    }

    /** {@code y[i] += alpha·x[i]} (BLAS saxpy). */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            FloatVector.fromArray(S, x, xOff + i).fma(a, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOff + i, m).fma(a, FloatVector.fromArray(S, y, yOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    /** {@code x[i] *= alpha} (BLAS sscal). */
    public static void scale(int n, float alpha, float[] x, int xOff) {
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOff + i, m).mul(alpha).intoArray(x, xOff + i, m);
        }
    }

    /**
     * {@code out[i] = x[i] + y[i]}; {@code out} may alias {@code x} or {@code y}. Whole vectors unmasked, then one
     * masked vector: a mask built per vector cost as much as the add on the short rows the backward adds.
     */
    public static void add(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOff + i, m).add(FloatVector.fromArray(S, y, yOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    /**
     * {@code y[off+i] = (…((y[off+i] + xs[0][off+i]) + xs[1][off+i]) + …) + xs[count-1][off+i]}, each add rounded to
     * float in that order: the same bits as {@code count} calls of {@link #add}, in one pass over y instead of count.
     */
    public static void addAll(int n, float[][] xs, int count, int off, float[] y) {
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            FloatVector acc = FloatVector.fromArray(S, y, off + i);
            for (int s = 0; s < count; s++) acc = acc.add(FloatVector.fromArray(S, xs[s], off + i));
            acc.intoArray(y, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector acc = FloatVector.fromArray(S, y, off + i, m);
            for (int s = 0; s < count; s++) acc = acc.add(FloatVector.fromArray(S, xs[s], off + i, m));
            acc.intoArray(y, off + i, m);
        }
    }

    /** {@code Σ_i x[i]}, in float lanes (then the lanes in order, see {@link #sumLanes}). */
    public static float sum(int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(S);
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) acc = acc.add(FloatVector.fromArray(S, x, xOff + i));
        float s = sumLanes(acc);
        if (i < n) s += sumLanes(FloatVector.fromArray(S, x, xOff + i, S.indexInRange(i, n)));
        return s;
    }

    /** {@code max_i x[i]}; {@code -∞} when {@code n == 0}; NaN if any element is NaN. */
    public static float max(int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) acc = acc.max(FloatVector.fromArray(S, x, xOff + i));
        float mx = acc.reduceLanes(VectorOperators.MAX);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            mx = Math.max(mx, FloatVector.fromArray(S, x, xOff + i, m).reduceLanes(VectorOperators.MAX, m));
        }
        return mx;
    }

    /** {@code m + log Σ_i exp(x[i] - m)} with {@code m = max_i x[i]}: the log of softmax's denominator. */
    static float logSumExp(float[] x, int xOff, int n) {
        float max = max(n, x, xOff);
        FloatVector negMax = FloatVector.broadcast(S, -max);
        FloatVector sum = FloatVector.zero(S);
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) sum = sum.add(VectorExp.exp(FloatVector.fromArray(S, x, xOff + i).add(negMax)));
        float total = sumLanesPairwise(sum);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            total += sumLanesPairwise(FloatVector.zero(S).blend(VectorExp.exp(FloatVector.fromArray(S, x, xOff + i, m).add(negMax)), m));
        }
        return (float) (max + Math.log(total));
    }
}
