package org.vecformer.engine.reference;

/** Scalar twin of {@link org.vecformer.engine.kernel.VectorExp}, in double. */
public final class RefExp {
    private RefExp() {}

    /** {@code out[i] = (float) 2^{x[i]}}, with 0 for x &lt;= -126.5 as the kernel flushes there (its inputs are &lt;= 0). */
    public static void exp2NonPositive(int n, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            double y = Math.pow(2, x[xOff + i]);
            out[outOff + i] = x[xOff + i] <= -126.5 ? 0f : (float) y;
        }
    }

    /** {@code out[i] = (float) e^{x[i]}}. */
    public static void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.exp(x[xOff + i]);
    }
}
