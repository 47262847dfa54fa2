package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.reference.RefAdamStep;

/**
 * The SIMD AdamW step against PyTorch's formula written out in double (its own double moments, never rounded) over
 * several steps, and against the twin, on awkward lengths at an offset.
 */
@Tag("kernel")
class AdamStepTest {
    private static final double BETA1 = 0.9, BETA2 = 0.95, EPS = 1e-8, WEIGHT_DECAY = 0.1;

    static int[] lengths() {
        return Lengths.awkward().toArray();
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void fiveStepsMatchPyTorchsFormulaInDouble(int n) {
        Random rnd = new Random(n);
        int off = 3;
        float[] p = Lengths.random(rnd, n + off, 0), pTwin = p.clone(), prefix = Arrays.copyOf(p, off);
        double[] pExact = new double[n], mExact = new double[n], vExact = new double[n];
        for (int i = 0; i < n; i++) pExact[i] = p[off + i];
        float[] m = new float[n + off], v = new float[n + off], mTwin = new float[n + off], vTwin = new float[n + off];
        for (int t = 1; t <= 5; t++) {
            float[] g = Lengths.random(rnd, n + off, 0);
            if (n > 1) g[off + 1] = 0f;
            double lr = 1e-2 / t, c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
            float stepSize = (float) (lr / c1), invSqrtC2 = (float) (1 / Math.sqrt(c2)), decay = (float) (1 - lr * WEIGHT_DECAY);
            AdamStep.update(n, p, off, g, off, m, v, off, (float) BETA1, (float) BETA2, stepSize, invSqrtC2, (float) EPS, decay);
            RefAdamStep.update(n, pTwin, off, g, off, mTwin, vTwin, off, (float) BETA1, (float) BETA2, stepSize, invSqrtC2, (float) EPS, decay);
            for (int i = 0; i < n; i++) {
                double gi = g[off + i];
                // torch.optim.AdamW: p *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
                // p -= lr/c1 · m / (sqrt(v)/sqrt(c2) + eps)
                pExact[i] *= 1 - lr * WEIGHT_DECAY;
                mExact[i] = BETA1 * mExact[i] + (1 - BETA1) * gi;
                vExact[i] = BETA2 * vExact[i] + (1 - BETA2) * gi * gi;
                pExact[i] -= lr / c1 * mExact[i] / (Math.sqrt(vExact[i]) / Math.sqrt(c2) + EPS);
            }
            for (int i = 0; i < n; i++) {
                String at = "n=" + n + " step " + t + " [" + i + "]";
                assertEquals(pExact[i], p[off + i], 1e-6 * (1 + Math.abs(pExact[i])), at);
                assertEquals(mExact[i], m[off + i], 1e-6, at + " m");
                assertEquals(vExact[i], v[off + i], 1e-6, at + " v");
                assertEquals(pTwin[off + i], p[off + i], 4e-7 * (1 + Math.abs(pTwin[off + i])), at + " vs twin");
            }
        }
        for (int i = 0; i < off; i++) {
            assertEquals(prefix[i], p[i], 0f, "p before the offset is untouched");
            assertEquals(0f, m[i], 0f, "m before the offset is untouched");
            assertEquals(0f, v[i], 0f, "v before the offset is untouched");
        }
    }
}
