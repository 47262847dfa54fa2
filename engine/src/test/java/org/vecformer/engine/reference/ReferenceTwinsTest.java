package org.vecformer.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.Transpose;

/** The twins are the documentation, so they are held to closed-form cases worked out by hand. */
class ReferenceTwinsTest {
    @Test
    void gemmHandlesEveryTransposeAndBlasBeta() {
        // op(A) = [[1,2],[3,4]], op(B) = [[5,6],[7,8]] -> A·B = [[19,22],[43,50]]
        float[] a = {1, 2, 3, 4}, aT = {1, 3, 2, 4}, b = {5, 6, 7, 8}, bT = {5, 7, 6, 8};
        float[] expected = {19, 22, 43, 50};
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
                RefGemm.sgemm(ta, tb, 2, 2, 2, 1f, ta == Transpose.N ? a : aT, 0, 2, tb == Transpose.N ? b : bT, 0, 2, 0f, c, 0, 2);
                assertArrayEquals(expected, c, 0f, ta + "" + tb);
            }
        }
        float[] c = {1, 1, 1, 1};
        RefGemm.sgemm(Transpose.N, Transpose.N, 2, 2, 2, 2f, a, 0, 2, b, 0, 2, -1f, c, 0, 2);
        assertArrayEquals(new float[] {37, 43, 85, 99}, c, 0f);
    }

    @Test
    void gemmReadsStridedViews() {
        // A is the left 1x2 block of a 1x3 row, C the middle of a padded row.
        float[] a = {2, 3, 99}, b = {1, 10}, c = {-7, 0, -7};
        RefGemm.sgemm(Transpose.N, Transpose.N, 1, 1, 2, 1f, a, 0, 3, b, 0, 1, 0f, c, 1, 3);
        assertArrayEquals(new float[] {-7, 32, -7}, c, 0f);
    }

    @Test
    void softmaxOfEqualScoresIsUniformUnderTheCausalMask() {
        float[] x = new float[9];
        float[] p = new float[9];
        RefSoftmax.softmax(x, 0, 3, 3, 3, 1f, true, 0, p, 0, 3);
        assertArrayEquals(new float[] {1, 0, 0, 0.5f, 0.5f, 0, 1 / 3f, 1 / 3f, 1 / 3f}, p, 1e-7f);
    }

    @Test
    void softmaxScalesAndSurvivesHugeScores() {
        float[] x = {1000f, 1000f + (float) Math.log(3)};
        float[] p = new float[2];
        RefSoftmax.softmax(x, 0, 2, 1, 2, 1f, false, 0, p, 0, 2);
        assertArrayEquals(new float[] {0.25f, 0.75f}, p, 1e-4f);
        RefSoftmax.softmax(new float[] {0, 2 * (float) Math.log(3)}, 0, 2, 1, 2, 0.5f, false, 0, p, 0, 2);
        assertArrayEquals(new float[] {0.25f, 0.75f}, p, 1e-6f);
    }

    @Test
    void logSoftmaxIsLogOfSoftmax() {
        float[] x = {0, (float) Math.log(3)};
        float[] out = new float[2];
        RefSoftmax.logSoftmax(x, 0, 2, 1, 2, out, 0, 2);
        assertArrayEquals(new float[] {(float) Math.log(0.25), (float) Math.log(0.75)}, out, 1e-6f);
    }

    @Test
    void layerNormCentresAndScales() {
        float[] x = {1, 3}; // mean 2, centred ±1, mean square 1 -> scale sqrt(1 + eps)
        float[] out = new float[2], scale = new float[1];
        RefLayerNorm.forward(x, 0, 2, 1, 2, null, null, 0f, out, 0, 2, scale);
        assertArrayEquals(new float[] {-1, 1}, out, 0f);
        assertEquals(1f, scale[0], 0f);
        RefLayerNorm.forward(x, 0, 2, 1, 2, new float[] {2, 3}, new float[] {10, 20}, 0f, out, 0, 2, null);
        assertArrayEquals(new float[] {8, 23}, out, 0f);
    }

    @Test
    void attentionOfTheFirstPositionCopiesItsValueAndEqualKeysAverage() {
        // 1 head, dHead 1; equal keys -> uniform causal pattern -> z_i = mean(v_0..v_i)
        float[] q = {1, 1, 1}, k = {2, 2, 2}, v = {3, 6, 9};
        float[] z = new float[3], pattern = new float[9];
        RefAttention.causal(3, 1, 1, q, 0, k, 0, v, 0, 1, z, 0, 1, pattern, 0);
        assertArrayEquals(new float[] {3, 4.5f, 6}, z, 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 0.5f, 0.5f, 0, 1 / 3f, 1 / 3f, 1 / 3f}, pattern, 1e-7f);
    }

    @Test
    void attentionScalesScoresByRootDHead() {
        // dHead 4, q·k_1 = 4·ln 3·... chosen so scaled scores are (0, ln 3): pattern (1/4, 3/4)
        float l = (float) Math.log(3) / 2; // q·k1 = 4·l·1 = 2 ln 3, /sqrt(4) = ln 3
        float[] q = {0, 0, 0, 0, 1, 1, 1, 1}, k = {0, 0, 0, 0, l, l, l, l}, v = {1, 1, 1, 1, 5, 5, 5, 5};
        float[] z = new float[8];
        RefAttention.causal(2, 1, 4, q, 0, k, 0, v, 0, 4, z, 0, 4, null, 0);
        assertEquals(0.25 * 1 + 0.75 * 5, z[4], 1e-6);
    }

    @Test
    void decodeOfTheLastPositionEqualsTheLastRowOfPrefill() {
        // 2 heads of 2 in a fused [T, 3·4] QKV buffer (ld 12): q at column 0, k at 4, v at 8.
        float[] qkv = new float[3 * 12];
        for (int i = 0; i < qkv.length; i++) qkv[i] = (float) Math.sin(i * 0.7);
        float[] z = new float[3 * 4], zLast = new float[4];
        float[] pattern = new float[2 * 3 * 3], patternLast = new float[2 * 3];
        RefAttention.causal(3, 2, 2, qkv, 0, qkv, 4, qkv, 8, 12, z, 0, 4, pattern, 0);
        RefAttention.decode(2, 1, 2, 2, qkv, 24, 12, qkv, 4, qkv, 8, 12, zLast, 0, 4, patternLast, 0);
        for (int e = 0; e < 4; e++) assertEquals(z[8 + e], zLast[e], 1e-7);
        for (int h = 0; h < 2; h++) for (int j = 0; j < 3; j++) assertEquals(pattern[h * 9 + 6 + j], patternLast[h * 3 + j], 1e-7);
    }

    @Test
    void crossEntropyOfUniformLogitsIsLogVocab() {
        float[] logits = new float[8], loss = new float[2], grad = new float[8];
        RefCrossEntropy.forwardBackward(logits, 0, 4, 2, 4, new int[] {1, 3}, 0.5f, loss, grad, 0, 4);
        assertArrayEquals(new float[] {(float) Math.log(4), (float) Math.log(4)}, loss, 1e-6f);
        assertArrayEquals(new float[] {0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f}, grad, 1e-7f);
    }

    @Test
    void embeddingCopiesRowsAndRejectsOutOfVocabulary() {
        float[] wE = {0, 1, 10, 11, 20, 21};
        float[] out = new float[4];
        RefEmbedding.gather(2, new int[] {2, 0}, wE, 0, 2, 3, out, 0, 2);
        assertArrayEquals(new float[] {20, 21, 0, 1}, out, 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> RefEmbedding.gather(2, new int[] {3}, wE, 0, 2, 3, new float[2], 0, 2));
        assertEquals("id 3 at row 0 is outside the table's rows [0, 3)", e.getMessage());
    }
}
