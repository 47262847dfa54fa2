package org.vecformer.engine.reference;

/**
 * Scalar twin of layer norm (TransformerLens {@code LayerNorm} / {@code LayerNormPre}) over rows of x [rows, d]:
 * <pre>
 *   xc    = x - mean(x)
 *   scale = sqrt(mean(xc²) + eps)          (hook_scale)
 *   out   = xc / scale · w + b              (LN;  LNPre: w and b are null, out = xc / scale)
 * </pre>
 */
public final class RefLayerNorm {
    private RefLayerNorm() {}

    /** Writes out [rows, d] and, when {@code scaleOut} is non-null, the per-row scale [rows]. */
    public static void forward(float[] x, int xOff, int rows, int d, float[] w, float[] b, float eps,
                               float[] out, int outOff, float[] scaleOut) {
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * d;
            double mean = 0;
            for (int i = 0; i < d; i++) mean += x[row + i];
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) var += (x[row + i] - mean) * (x[row + i] - mean);
            double scale = Math.sqrt(var / d + eps);
            if (scaleOut != null) scaleOut[r] = (float) scale;
            for (int i = 0; i < d; i++) {
                double y = (x[row + i] - mean) / scale;
                if (w != null) y = y * w[i] + (b == null ? 0 : b[i]);
                out[outOff + r * d + i] = (float) y;
            }
        }
    }
}
