package org.vecformer.engine.reference;

/**
 * Plain twins of {@link org.vecformer.engine.kernel.VectorOps}: one loop each, accumulating in double.
 * Written to be read; tests hold the SIMD kernels to these.
 */
public final class ScalarOps {
    private ScalarOps() {}

    /** {@code Σ_i x[i]·y[i]}. */
    public static double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xOff + i] * y[yOff + i];
        return s;
    }

    /** {@code y[i] += alpha·x[i]}. */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) (y[yOff + i] + (double) alpha * x[xOff + i]);
    }

    /** {@code x[i] *= alpha}. */
    public static void scale(int n, float alpha, float[] x, int xOff) {
        for (int i = 0; i < n; i++) x[xOff + i] = (float) ((double) alpha * x[xOff + i]);
    }

    /** {@code out[i] = x[i] + y[i]}. */
    public static void add(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) ((double) x[xOff + i] + y[yOff + i]);
    }

    /**
     * {@code y[off+i] += xs[0][off+i]}, then {@code += xs[1][off+i]}, … in float: unlike the other twins not in double,
     * because the kernel promises this exact order of float adds (the sum of per-shard gradients), bit for bit.
     */
    public static void addAll(int n, float[][] xs, int count, int off, float[] y) {
        for (int s = 0; s < count; s++) {
            for (int i = 0; i < n; i++) y[off + i] = y[off + i] + xs[s][off + i];
        }
    }

    /** {@code Σ_i x[i]}. */
    public static double sum(int n, float[] x, int xOff) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        return s;
    }

    /** {@code max_i x[i]}, {@code -∞} for an empty run, NaN if any element is NaN. */
    public static float max(int n, float[] x, int xOff) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[xOff + i]);
        return m;
    }
}
