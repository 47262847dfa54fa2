package org.vecformer.engine.reference;

/**
 * Scalar twin of the layer norm backward pass (forward: {@link RefLayerNorm}). With x̂ = (x − mean(x)) / scale,
 * y = x̂·w + b (LN) or y = x̂ (LNPre), and g = dy·w (LN) or g = dy (LNPre), per row of d columns:
 * <pre>
 *   dx  += (g − mean(g) − x̂·mean(g·x̂)) / scale        (exact with eps, since scale = sqrt(mean(xc²) + eps))
 *   dw  += Σ_rows dy·x̂                                  (LN only)
 *   db  += Σ_rows dy                                    (LN only)
 * </pre>
 * Shapes: x, dy, dx [rows, d], row r at offset + r · its leading dimension; scale [rows] (the forward's {@code scaleOut}, hook_scale); w, dw, db [d].
 * Like every backward kernel it ADDS into its gradient outputs, so callers zero them once per step.
 * Accumulates in double.
 */
public final class RefLayerNormBackward {
    private RefLayerNormBackward() {}

    /** LNPre when {@code w} is null (then {@code dw} and {@code db} are ignored and may be null). */
    public static void backward(float[] x, int xOff, int ldx, int rows, int d, float[] scale, float[] w,
                                float[] dy, int dyOff, int ldy, float[] dx, int dxOff, int ldDx, float[] dw, float[] db) {
        double[] g = new double[d], xHat = new double[d], sumW = new double[d], sumB = new double[d];
        for (int i = 0; w != null && i < d; i++) {
            sumW[i] = dw[i];
            sumB[i] = db[i];
        }
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * ldx, dyRow = dyOff + r * ldy;
            double mean = 0;
            for (int i = 0; i < d; i++) mean += x[row + i];
            mean /= d;
            double meanG = 0, meanGx = 0;
            for (int i = 0; i < d; i++) {
                xHat[i] = (x[row + i] - mean) / scale[r];
                g[i] = w == null ? dy[dyRow + i] : (double) dy[dyRow + i] * w[i];
                meanG += g[i];
                meanGx += g[i] * xHat[i];
                sumW[i] += dy[dyRow + i] * xHat[i];
                sumB[i] += dy[dyRow + i];
            }
            meanG /= d;
            meanGx /= d;
            for (int i = 0; i < d; i++) {
                int at = dxOff + r * ldDx + i;
                dx[at] = (float) (dx[at] + (g[i] - meanG - xHat[i] * meanGx) / scale[r]);
            }
        }
        for (int i = 0; w != null && i < d; i++) {
            dw[i] = (float) sumW[i];
            db[i] = (float) sumB[i];
        }
    }
}
