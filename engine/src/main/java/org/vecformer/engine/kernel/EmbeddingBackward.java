package org.vecformer.engine.kernel;

/**
 * SIMD backward passes of row lookups; same contract as the twin {@link org.vecformer.engine.reference.RefEmbeddingBackward}:
 * {@code dTable[ids[r]] += dRows[r]} (the backward of a gather) and {@code dTable[r mod period] += dRows[r]} (the backward of
 * adding one [period, width] table to every block of period rows, as a positional embedding is), rows added in order.
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

    /** Row r of dRows [rows, width] added into row {@code r mod period} of dTable [≥ period, width], r in order. */
    public static void addPeriodic(float[] dRows, int rows, int period, int width, float[] dTable) {
        for (int r = 0; r < rows; r++) {
            int p = r % period * width;
            VectorOps.add(width, dTable, p, dRows, r * width, dTable, p);
        }
    }
}
