package org.vecformer.engine.reference;

/**
 * Scalar twin of the bias backward pass of {@code y = x·W + b}: {@code db[c] += Σ_r dy[r, c]} over dy [rows, n]
 * with row stride {@code ldy} (so a head's or Q/K/V's column block of a fused buffer works in place). Double sums.
 */
public final class RefBiasBackward {
    private RefBiasBackward() {}

    public static void backward(int rows, int n, float[] dy, int dyOff, int ldy, float[] db, int dbOff) {
        for (int c = 0; c < n; c++) {
            double s = db[dbOff + c];
            for (int r = 0; r < rows; r++) s += dy[dyOff + r * ldy + c];
            db[dbOff + c] = (float) s;
        }
    }
}
