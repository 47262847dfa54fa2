package org.vecformer.engine.reference;

/** Scalar twin of the embedding lookup: {@code out[t][j] = W_E[tokens[t]][j]} for W_E [dVocab, dModel], out [T, dModel]. */
public final class RefEmbedding {
    private RefEmbedding() {}

    public static void lookup(float[] wE, int dVocab, int dModel, int[] tokens, float[] out) {
        for (int t = 0; t < tokens.length; t++) {
            int tok = tokens[t];
            if (tok < 0 || tok >= dVocab) {
                throw new IllegalArgumentException("token " + tok + " at position " + t + " is outside the vocabulary [0, " + dVocab + ")");
            }
            for (int j = 0; j < dModel; j++) out[t * dModel + j] = wE[tok * dModel + j];
        }
    }
}
