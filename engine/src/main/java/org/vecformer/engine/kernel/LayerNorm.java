package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * Layer norm forward over rows (with and without the affine {@code ·w + b}) in float lanes, parallel over rows. Twin: {@link org.vecformer.engine.reference.RefLayerNorm}.
 */
public final class LayerNorm {
    private static final VectorSpecies<Float> S = Simd.F;

    private LayerNorm() {}

    /**
     * Over the rows of x [rows, d] (row r at {@code xOff + r·ldx}):
     * <pre>
     *   xc    = x - mean(x)
     *   scale = sqrt(mean(xc²) + eps)
     *   out   = xc / scale · w + b              (w and b null: out = xc / scale)
     * </pre>
     * Writes out [rows, d] (row r at {@code outOff + r·ldOut}; may be x itself with the same layout) and, when
     * {@code scaleOut} is non-null, the per-row scale [rows]. A null {@code b} with a non-null {@code w} means no bias.
     */
    public static void forward(float[] x, int xOff, int ldx, int rows, int d, float[] w, float[] b, float eps,
                               float[] out, int outOff, int ldOut, float[] scaleOut) {
        Parallel.forRange(rows, KernelSizes.rowGrain(d), (from, to) -> {
            for (int r = from; r < to; r++) row(x, xOff + r * ldx, d, w, b, eps, out, outOff + r * ldOut, scaleOut, r);
        });
    }

    private static void row(float[] x, int xOff, int d, float[] w, float[] b, float eps,
                            float[] out, int outOff, float[] scaleOut, int r) {
        int step = S.length();
        float mean = VectorOps.sum(d, x, xOff) / d;
        FloatVector mu = FloatVector.broadcast(S, mean);
        FloatVector sq = FloatVector.zero(S);
        for (int i = 0; i < d; i += step) {
            VectorMask<Float> m = S.indexInRange(i, d);
            FloatVector c = FloatVector.fromArray(S, x, xOff + i, m).sub(mu, m);
            sq = c.fma(c, sq);
        }
        float scale = (float) Math.sqrt(VectorOps.sumLanes(sq) / d + eps);
        if (scaleOut != null) scaleOut[r] = scale;
        FloatVector inv = FloatVector.broadcast(S, 1f / scale);
        for (int i = 0; i < d; i += step) {
            VectorMask<Float> m = S.indexInRange(i, d);
            FloatVector y = FloatVector.fromArray(S, x, xOff + i, m).sub(mu).mul(inv);
            if (w != null) {
                FloatVector bias = b == null ? FloatVector.zero(S) : FloatVector.fromArray(S, b, i, m);
                y = y.fma(FloatVector.fromArray(S, w, i, m), bias);
            }
            y.intoArray(out, outOff + i, m);
        }
    }
}
