package org.vecformer.engine.kernel;

/**
 * SIMD embedding backward passes; same contract as the twin {@link org.vecformer.engine.reference.RefEmbeddingBackward}:
 * {@code dW_E[tokens[r]] += dResid[r]} and {@code dW_pos[r mod seqLen] += dResid[r]}, rows added in order.
 * Single-threaded: several rows may hit the same output row, and a fixed order keeps the bits fixed.
 */
public final class EmbeddingBackward {
    private EmbeddingBackward() {}

    /** dResid [tokens.length, dModel] scatter-added into dW_E [dVocab, dModel] by token id. */
    public static void embed(float[] dResid, int[] tokens, int dModel, float[] dWE, int dVocab) {
        for (int r = 0; r < tokens.length; r++) {
            int tok = tokens[r];
            if (tok < 0 || tok >= dVocab) {
                throw new IllegalArgumentException("token " + tok + " at row " + r + " is outside the vocabulary [0, " + dVocab + ")");
            }
            VectorOps.add(dModel, dWE, tok * dModel, dResid, r * dModel, dWE, tok * dModel);
        }
    }

    /** dResid [rows, dModel] (rows = [batch, seqLen] flattened) added into dW_pos [n_ctx, dModel] by position. */
    public static void posEmbed(float[] dResid, int rows, int seqLen, int dModel, float[] dWPos) {
        for (int r = 0; r < rows; r++) {
            int p = r % seqLen * dModel;
            VectorOps.add(dModel, dWPos, p, dResid, r * dModel, dWPos, p);
        }
    }
}
