package org.vecformer.engine.reference;

/** Scalar twin of {@link org.vecformer.engine.kernel.VectorExp}: {@code out[i] = (float) e^{x[i]}} in double. */
public final class RefExp {
    private RefExp() {}

    public static void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.exp(x[xOff + i]);
    }
}
