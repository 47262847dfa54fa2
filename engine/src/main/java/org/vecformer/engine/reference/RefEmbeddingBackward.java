package org.vecformer.engine.reference;

/**
 * Scalar twin of the embedding backward passes, scatter-adds in row order:
 * <pre>
 *   dW_E[tokens[r]]       += dResid[r]      (embed)
 *   dW_pos[r mod seqLen]  += dResid[r]      (pos_embed; rows are [batch, seqLen] flattened)
 * </pre>
 * dResid [rows, dModel], dW_E [dVocab, dModel], dW_pos [n_ctx, dModel] with seqLen &lt;= n_ctx.
 */
public final class RefEmbeddingBackward {
    private RefEmbeddingBackward() {}

    /** Adds row r of dResid into row tokens[r] of dW_E, for r = 0..tokens.length-1 in order. */
    public static void embed(float[] dResid, int[] tokens, int dModel, float[] dWE, int dVocab) {
        for (int r = 0; r < tokens.length; r++) {
            int tok = tokens[r];
            if (tok < 0 || tok >= dVocab) {
                throw new IllegalArgumentException("token " + tok + " at row " + r + " is outside the vocabulary [0, " + dVocab + ")");
            }
            for (int c = 0; c < dModel; c++) dWE[tok * dModel + c] = (float) ((double) dWE[tok * dModel + c] + dResid[r * dModel + c]);
        }
    }

    /** Adds row r of dResid [rows, dModel] into row {@code r mod seqLen} of dW_pos, for r = 0..rows-1 in order. */
    public static void posEmbed(float[] dResid, int rows, int seqLen, int dModel, float[] dWPos) {
        for (int r = 0; r < rows; r++) {
            int p = r % seqLen;
            for (int c = 0; c < dModel; c++) dWPos[p * dModel + c] = (float) ((double) dWPos[p * dModel + c] + dResid[r * dModel + c]);
        }
    }
}
