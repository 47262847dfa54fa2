package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.reference.RefEmbeddingBackward;

/** SIMD embedding backward against its twin: same rows in the same order give the same bits. */
@Tag("kernel")
class EmbeddingBackwardTest {
    @Test
    void matchesTwinOnAwkwardWidths() {
        Random rnd = new Random(41);
        int dVocab = 7, seqLen = 5, nCtx = 6;
        Lengths.awkward().filter(d -> d <= 257).forEach(dModel -> {
            int[] tokens = rnd.ints(3 * seqLen, 0, dVocab).toArray();
            float[] dResid = Lengths.random(rnd, tokens.length * dModel, 0);
            float[] dWE = Lengths.random(rnd, dVocab * dModel, 0), dWPos = Lengths.random(rnd, nCtx * dModel, 0);
            float[] twinE = dWE.clone(), twinPos = dWPos.clone();
            RefEmbeddingBackward.embed(dResid, tokens, dModel, twinE, dVocab);
            RefEmbeddingBackward.addPeriodic(dResid, tokens.length, seqLen, dModel, twinPos);
            EmbeddingBackward.embed(dResid, tokens, dModel, dWE, dVocab);
            EmbeddingBackward.addPeriodic(dResid, tokens.length, seqLen, dModel, dWPos);
            assertArrayEquals(twinE, dWE, "dW_E dModel=" + dModel);
            assertArrayEquals(twinPos, dWPos, "dW_pos dModel=" + dModel);
        });
    }

    @Test
    void rejectsTokensOutsideTheVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddingBackward.embed(new float[2], new int[] {0, 3}, 1, new float[3], 3));
    }
}
