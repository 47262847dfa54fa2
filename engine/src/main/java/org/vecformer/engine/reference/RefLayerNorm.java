package org.vecformer.engine.reference;

/**
 * Scalar twin of layer norm over rows of x [rows, d] (row r at {@code xOff + r·ldx}):
 * <pre>
 *   xc    = x - mean(x)
 *   scale = sqrt(mean(xc²) + eps)
 *   out   = xc / scale · w + b              (w and b null: out = xc / scale)
 * </pre>
 */
public final class RefLayerNorm {
    private RefLayerNorm() {}

    /** Writes out [rows, d] (row r at {@code outOff + r·ldOut}) and, when {@code scaleOut} is non-null, the per-row scale [rows]. */
    public static void forward(float[] x, int xOff, int ldx, int rows, int d, float[] w, float[] b, float eps,
                               float[] out, int outOff, int ldOut, float[] scaleOut) {
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * ldx;
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
                out[outOff + r * ldOut + i] = (float) y;
            }
        }
    }
}
