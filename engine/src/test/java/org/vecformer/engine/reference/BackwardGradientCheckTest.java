package org.vecformer.engine.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each backward twin against central finite differences of a double-precision forward written here from the
 * maths: for a random upstream gradient G, the loss L(θ) = Σ G ⊙ forward(θ) has ∂L/∂θ = what the backward adds.
 */
class BackwardGradientCheckTest {
    private static final double H = 1e-5;

    @Test
    void layerNormBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(11);
        for (float eps : new float[] {1e-5f, 0.5f}) {
            for (boolean affine : new boolean[] {true, false}) {
                int rows = 3, d = 7;
                float[] x = random(rnd, rows * d), w = affine ? random(rnd, d) : null, b = affine ? random(rnd, d) : null;
                float[] dy = random(rnd, rows * d);
                float[] scale = new float[rows];
                RefLayerNorm.forward(x, 0, d, rows, d, w, b, eps, new float[rows * d], 0, d, scale);
                float[] dx = new float[rows * d], dw = affine ? new float[d] : null, db = affine ? new float[d] : null;
                RefLayerNormBackward.backward(x, 0, d, rows, d, scale, w, dy, 0, d, dx, 0, d, dw, db);
                double[] xd = toDouble(x), wd = affine ? toDouble(w) : null, bd = affine ? toDouble(b) : null;
                String what = (affine ? "LN" : "LNPre") + " eps=" + eps;
                assertGradient(dx, xd, p -> dot(dy, layerNorm(p, rows, d, wd, bd, eps)), what + " dx");
                if (affine) {
                    assertGradient(dw, wd, p -> dot(dy, layerNorm(xd, rows, d, p, bd, eps)), what + " dw");
                    assertGradient(db, bd, p -> dot(dy, layerNorm(xd, rows, d, wd, p, eps)), what + " db");
                }
            }
        }
    }

    @Test
    void attentionBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(12);
        int t = 5, nHeads = 2, dHead = 3, width = nHeads * dHead, ld = 3 * width + 1, ldz = width + 2;
        float[] qkv = random(rnd, t * ld);
        for (int i = 0; i < qkv.length; i++) qkv[i] *= 2;
        float[] dz = random(rnd, t * ldz);
        float[] pattern = new float[nHeads * t * t];
        RefAttention.causal(t, nHeads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, new float[t * ldz], 0, ldz, pattern, 0);
        float[] dqkv = new float[t * ld];
        RefAttentionBackward.causal(t, nHeads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, pattern, 0, dz, 0, ldz,
                dqkv, 0, dqkv, width, dqkv, 2 * width, ld);
        assertGradient(dqkv, toDouble(qkv), p -> {
            double[] z = attention(p, t, nHeads, dHead, ld);
            double s = 0;
            for (int i = 0; i < t; i++) for (int c = 0; c < width; c++) s += dz[i * ldz + c] * z[i * width + c];
            return s;
        }, "attention dQ|dK|dV");
    }

    @Test
    void embeddingBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(13);
        int dVocab = 4, dModel = 3, nCtx = 5, seqLen = 3;
        int[] tokens = {2, 0, 2, 2, 3, 0};
        float[] dResid = random(rnd, tokens.length * dModel);
        float[] dWE = new float[dVocab * dModel], dWPos = new float[nCtx * dModel];
        RefEmbeddingBackward.scatterAdd(dModel, tokens, dResid, 0, dModel, dWE, 0, dModel, dVocab);
        RefEmbeddingBackward.addPeriodic(tokens.length, dModel, seqLen, dResid, 0, dModel, dWPos, 0, dModel);
        double[] wE = toDouble(random(rnd, dVocab * dModel)), wPos = toDouble(random(rnd, nCtx * dModel));
        assertGradient(dWE, wE, p -> dot(dResid, embed(p, wPos, tokens, seqLen, dModel)), "dW_E");
        assertGradient(dWPos, wPos, p -> dot(dResid, embed(wE, p, tokens, seqLen, dModel)), "dW_pos");
    }

    @Test
    void biasBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(14);
        int rows = 4, n = 3, ldy = 5;
        float[] dy = random(rnd, rows * ldy), db = new float[n];
        RefBiasBackward.backward(rows, n, dy, 0, ldy, db, 0);
        double[] x = toDouble(random(rnd, rows * n)), b = toDouble(random(rnd, n));
        assertGradient(db, b, p -> {
            double s = 0;
            for (int r = 0; r < rows; r++) for (int c = 0; c < n; c++) s += dy[r * ldy + c] * (x[r * n + c] + p[c]);
            return s;
        }, "db");
    }

    /** ‖analytic − numeric‖ / ‖numeric‖ below 1e-5, numeric by central differences of {@code loss}. */
    private static void assertGradient(float[] analytic, double[] at, Function<double[], Double> loss, String what) {
        double diff = 0, norm = 0;
        for (int i = 0; i < at.length; i++) {
            double[] p = at.clone();
            p[i] = at[i] + H;
            double up = loss.apply(p);
            p[i] = at[i] - H;
            double numeric = (up - loss.apply(p)) / (2 * H);
            diff += (analytic[i] - numeric) * (analytic[i] - numeric);
            norm += numeric * numeric;
        }
        double rel = Math.sqrt(diff / norm);
        assertTrue(norm > 0 && rel < 1e-5, what + ": relative error " + rel);
    }

    /** y = (x − mean) / sqrt(mean((x − mean)²) + eps) · w + b per row (w, b null: LNPre). */
    private static double[] layerNorm(double[] x, int rows, int d, double[] w, double[] b, double eps) {
        double[] y = new double[rows * d];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < d; i++) mean += x[r * d + i] / d;
            for (int i = 0; i < d; i++) var += (x[r * d + i] - mean) * (x[r * d + i] - mean) / d;
            for (int i = 0; i < d; i++) {
                double v = (x[r * d + i] - mean) / Math.sqrt(var + eps);
                y[r * d + i] = w == null ? v : v * w[i] + b[i];
            }
        }
        return y;
    }

    /** z [t, nHeads·dHead] of causal softmax attention over a fused [t, ld] Q|K|V buffer. */
    private static double[] attention(double[] qkv, int t, int nHeads, int dHead, int ld) {
        int width = nHeads * dHead;
        double[] z = new double[t * width];
        for (int h = 0; h < nHeads; h++) {
            for (int i = 0; i < t; i++) {
                double[] s = new double[i + 1];
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    for (int e = 0; e < dHead; e++) s[j] += qkv[i * ld + h * dHead + e] * qkv[j * ld + width + h * dHead + e];
                    s[j] = Math.exp(s[j] / Math.sqrt(dHead));
                    sum += s[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int e = 0; e < dHead; e++) z[i * width + h * dHead + e] += s[j] / sum * qkv[j * ld + 2 * width + h * dHead + e];
                }
            }
        }
        return z;
    }

    /** resid[r] = W_E[tokens[r]] + W_pos[r mod seqLen]. */
    private static double[] embed(double[] wE, double[] wPos, int[] tokens, int seqLen, int dModel) {
        double[] out = new double[tokens.length * dModel];
        for (int r = 0; r < tokens.length; r++) {
            for (int c = 0; c < dModel; c++) out[r * dModel + c] = wE[tokens[r] * dModel + c] + wPos[r % seqLen * dModel + c];
        }
        return out;
    }

    private static double dot(float[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < b.length; i++) s += a[i] * b[i];
        return s;
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
