package org.vecformer.engine.reference;

/**
 * Scalar twin of the backward passes of row lookups, scatter-adds in row order:
 * <pre>
 *   dTable[ids[r]]        += dRows[r]      (embed: the backward of a gather, e.g. W_E)
 *   dTable[r mod period]  += dRows[r]      (addPeriodic: one table added to every block of period rows, e.g. W_pos)
 * </pre>
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

    /** Adds row r of dRows [rows, width] into row {@code r mod period} of dTable, for r = 0..rows-1 in order. */
    public static void addPeriodic(float[] dRows, int rows, int period, int width, float[] dTable) {
        for (int r = 0; r < rows; r++) {
            int p = r % period;
            for (int c = 0; c < width; c++) dTable[p * width + c] = (float) ((double) dTable[p * width + c] + dRows[r * width + c]);
        }
    }
}
