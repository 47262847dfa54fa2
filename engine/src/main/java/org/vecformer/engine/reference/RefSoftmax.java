package org.vecformer.engine.reference;

/**
 * Scalar twin of the row softmax: for each row r of x [rows, cols] (leading dimension ld),
 * {@code out[r][c] = exp(s·x[r][c] - m) / Σ_c' exp(s·x[r][c'] - m)} with {@code m = max_c s·x[r][c]}.
 * With {@code causal}, row r is the query at position {@code firstQuery + r}; columns after it are
 * masked (probability exactly 0), as in a decoder's attention pattern.
 */
public final class RefSoftmax {
    private RefSoftmax() {}

    public static void softmax(float[] x, int xOff, int ld, int rows, int cols, float scale,
                               boolean causal, int firstQuery, float[] out, int outOff, int ldOut) {
        for (int r = 0; r < rows; r++) {
            int visible = causal ? Math.min(cols, firstQuery + r + 1) : cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < visible; c++) max = Math.max(max, (double) scale * x[xOff + r * ld + c]);
            double sum = 0;
            for (int c = 0; c < visible; c++) sum += Math.exp((double) scale * x[xOff + r * ld + c] - max);
            for (int c = 0; c < cols; c++) {
                out[outOff + r * ldOut + c] = c < visible
                        ? (float) (Math.exp((double) scale * x[xOff + r * ld + c] - max) / sum) : 0f;
            }
        }
    }

    /** {@code out[r][c] = x[r][c] - m - log Σ_c' exp(x[r][c'] - m)} (no scale, no mask). */
    public static void logSoftmax(float[] x, int xOff, int ld, int rows, int cols, float[] out, int outOff, int ldOut) {
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, x[xOff + r * ld + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += Math.exp(x[xOff + r * ld + c] - max);
            double logZ = max + Math.log(sum);
            for (int c = 0; c < cols; c++) out[outOff + r * ldOut + c] = (float) (x[xOff + r * ld + c] - logZ);
        }
    }
}
