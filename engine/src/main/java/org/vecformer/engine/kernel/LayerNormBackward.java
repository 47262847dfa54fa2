package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * SIMD layer norm backward; same contract as its twin {@link org.vecformer.engine.reference.RefLayerNormBackward}:
 * with x̂ = (x − mean(x)) / scale and g = dy·w (LN) or dy (LNPre),
 * {@code dx += (g − mean(g) − x̂·mean(g·x̂)) / scale}, {@code dw += Σ_rows dy·x̂}, {@code db += Σ_rows dy}.
 *
 * <p>Two passes. dx is parallel over rows (each row its own output). dw and db are reductions over rows, so they
 * are parallel over columns instead: each thread owns a set of columns and adds the rows in order, so the bits do
 * not depend on the thread count. The row means of the first pass are kept in per-thread scratch.
 */
public final class LayerNormBackward {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ThreadLocal<float[]> MEANS = ThreadLocal.withInitial(() -> new float[0]);

    private LayerNormBackward() {}

    /**
     * x, dy, dx [rows, d] with row r at {@code off + r·ld} of each; LNPre when {@code w} is null (then {@code dw} and
     * {@code db} are ignored and may be null).
     */
    public static void backward(float[] x, int xOff, int ldx, int rows, int d, float[] scale, float[] w,
                                float[] dy, int dyOff, int ldy, float[] dx, int dxOff, int ldDx, float[] dw, float[] db) {
        if (rows <= 0 || d <= 0) return;
        float[] means = MEANS.get();
        if (means.length < rows) MEANS.set(means = new float[rows]);
        float[] mean = means;
        Parallel.forRange(rows, Math.max(1, 8192 / d), (from, to) -> {
            for (int r = from; r < to; r++) mean[r] = row(x, xOff + r * ldx, d, 1f / scale[r], w, dy, dyOff + r * ldy, dx, dxOff + r * ldDx);
        });
        if (w == null) return;
        int grain = Math.max(S.length(), (d / Parallel.threads() + S.length() - 1) / S.length() * S.length());
        Parallel.forRange(d, grain, (from, to) -> columns(x, xOff, ldx, rows, mean, scale, dy, dyOff, ldy, dw, db, from, to));
    }

    /**
     * dx for one row; returns the row's mean for the dw pass. Whole vectors unmasked and the last partial one under a
     * lane mask (masked-off lanes load as zero, so they add nothing): building a mask for every vector took 1% of a
     * d_model 512 training step.
     */
    private static float row(float[] x, int xo, int d, float invScale, float[] w, float[] dy, int dyo, float[] dx, int dxo) {
        float mean = VectorOps.sum(d, x, xo) / d;
        FloatVector sumG = FloatVector.zero(S), sumGx = FloatVector.zero(S);
        int step = S.length(), whole = S.loopBound(d), i = 0;
        for (; i < whole; i += step) {
            FloatVector xHat = FloatVector.fromArray(S, x, xo + i).sub(mean).mul(invScale);
            FloatVector g = gradient(w, dy, dyo, i);
            sumG = sumG.add(g);
            sumGx = g.fma(xHat, sumGx);
        }
        if (i < d) {
            VectorMask<Float> m = S.indexInRange(i, d);
            FloatVector xHat = FloatVector.fromArray(S, x, xo + i, m).sub(mean).mul(invScale);
            FloatVector g = gradient(w, dy, dyo, i, m);
            sumG = sumG.add(g);
            sumGx = g.fma(xHat, sumGx);
        }
        float meanG = VectorOps.sumLanes(sumG) / d;
        float meanGx = VectorOps.sumLanes(sumGx) / d;
        FloatVector inv = FloatVector.broadcast(S, invScale);
        for (i = 0; i < whole; i += step) {
            FloatVector xHat = FloatVector.fromArray(S, x, xo + i).sub(mean).mul(invScale);
            FloatVector g = gradient(w, dy, dyo, i);
            g.sub(meanG).sub(xHat.mul(meanGx)).fma(inv, FloatVector.fromArray(S, dx, dxo + i)).intoArray(dx, dxo + i);
        }
        if (i < d) {
            VectorMask<Float> m = S.indexInRange(i, d);
            FloatVector xHat = FloatVector.fromArray(S, x, xo + i, m).sub(mean).mul(invScale);
            FloatVector g = gradient(w, dy, dyo, i, m);
            g.sub(meanG).sub(xHat.mul(meanGx)).fma(inv, FloatVector.fromArray(S, dx, dxo + i, m)).intoArray(dx, dxo + i, m);
        }
        return mean;
    }

    /** g = dy·w (or dy) on a whole vector of columns from {@code i}. */
    private static FloatVector gradient(float[] w, float[] dy, int dyo, int i) {
        FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
        return w == null ? g : g.mul(FloatVector.fromArray(S, w, i));
    }

    /** g on the columns of {@code m} from {@code i}, zero elsewhere. */
    private static FloatVector gradient(float[] w, float[] dy, int dyo, int i, VectorMask<Float> m) {
        FloatVector g = FloatVector.fromArray(S, dy, dyo + i, m);
        return w == null ? g : g.mul(FloatVector.fromArray(S, w, i, m));
    }

    /** dw, db for columns [from, to): rows added in order, one vector of columns at a time. */
    private static void columns(float[] x, int xOff, int ldx, int rows, float[] mean, float[] scale,
                                float[] dy, int dyOff, int ldy, float[] dw, float[] db, int from, int to) {
        int step = S.length();
        for (int c = from; c < to; c += step) {
            VectorMask<Float> m = S.indexInRange(c, to);
            FloatVector sw = FloatVector.fromArray(S, dw, c, m), sb = FloatVector.fromArray(S, db, c, m);
            for (int r = 0; r < rows; r++) {
                FloatVector g = FloatVector.fromArray(S, dy, dyOff + r * ldy + c, m);
                FloatVector xHat = FloatVector.fromArray(S, x, xOff + r * ldx + c, m).sub(mean[r]).mul(1f / scale[r]);
                sw = g.fma(xHat, sw);
                sb = sb.add(g);
            }
            sw.intoArray(dw, c, m);
            sb.intoArray(db, c, m);
        }
    }
}
