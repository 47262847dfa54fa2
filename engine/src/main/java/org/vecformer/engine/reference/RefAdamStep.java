package org.vecformer.engine.reference;

/** Scalar twin of {@link org.vecformer.engine.kernel.AdamStep}: the same update, each element in double, m and v stored as float. */
public final class RefAdamStep {
    private RefAdamStep() {}

    public static void update(int n, float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int mvOff,
                              float beta1, float beta2, float stepSize, float invSqrtC2, float eps, float decay) {
        for (int i = 0; i < n; i++) {
            double gi = g[gOff + i];
            double mi = (double) beta1 * m[mvOff + i] + (1 - (double) beta1) * gi;
            double vi = (double) beta2 * v[mvOff + i] + (1 - (double) beta2) * gi * gi;
            m[mvOff + i] = (float) mi;
            v[mvOff + i] = (float) vi;
            p[pOff + i] = (float) (p[pOff + i] * (double) decay - stepSize * mi / (Math.sqrt(vi) * invSqrtC2 + eps));
        }
    }
}
