package org.vecformer.engine.reference;

/**
 * Scalar twin of the backward passes of row lookups, scatter-adds in row order, rows at offset + index · leading dimension:
 * <pre>
 *   dTable[ids[r]]        += dy[r]      (scatterAdd: the backward of a gather)
 *   dTable[r mod period]  += dy[r]      (addPeriodic: one table added to every block of period rows)
 * </pre>
 */
public final class RefEmbeddingBackward {
    private RefEmbeddingBackward() {}

    /** Adds row r of dy [ids.length, width] into row ids[r] of dTable [tableRows, width], r in order; an id outside the table is an error. */
    public static void scatterAdd(int width, int[] ids, float[] dy, int dyOff, int ldy,
                                  float[] dTable, int tableOff, int ldTable, int tableRows) {
        for (int r = 0; r < ids.length; r++) {
            int id = ids[r];
            if (id < 0 || id >= tableRows) {
                throw new IllegalArgumentException("id " + id + " at row " + r + " is outside the table's rows [0, " + tableRows + ")");
            }
            for (int c = 0; c < width; c++) {
                int at = tableOff + id * ldTable + c;
                dTable[at] = (float) ((double) dTable[at] + dy[dyOff + r * ldy + c]);
            }
        }
    }

    /** Adds row r of dy [rows, width] into row {@code r mod period} of dTable, r in order. */
    public static void addPeriodic(int rows, int width, int period, float[] dy, int dyOff, int ldy,
                                   float[] dTable, int tableOff, int ldTable) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                int at = tableOff + r % period * ldTable + c;
                dTable[at] = (float) ((double) dTable[at] + dy[dyOff + r * ldy + c]);
            }
        }
    }
}
