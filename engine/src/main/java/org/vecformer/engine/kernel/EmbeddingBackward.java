package org.vecformer.engine.kernel;

/**
 * SIMD backward passes of row lookups; same contract as the twin {@link org.vecformer.engine.reference.RefEmbeddingBackward}:
 * {@code dTable[ids[r]] += dy[r]} (the backward of a gather, {@link Embedding}) and {@code dTable[r mod period] += dy[r]}
 * (the backward of adding one [period, width] table to every block of period rows), rows added in order.
 * Single-threaded: several rows may hit the same output row, and a fixed order keeps the bits fixed.
 */
public final class EmbeddingBackward {
    private EmbeddingBackward() {}

    /**
     * Row r of dy [ids.length, width] (at {@code dyOff + r·ldy}) added into row {@code ids[r]} of dTable [tableRows, width]
     * (at {@code tableOff + ids[r]·ldTable}), r in order; an id outside [0, tableRows) is an error naming it and its row.
     */
    public static void scatterAdd(int width, int[] ids, float[] dy, int dyOff, int ldy,
                                  float[] dTable, int tableOff, int ldTable, int tableRows) {
        for (int r = 0; r < ids.length; r++) {
            int id = ids[r];
            if (id < 0 || id >= tableRows) {
                throw new IllegalArgumentException("id " + id + " at row " + r + " is outside the table's rows [0, " + tableRows + ")");
            }
            int row = tableOff + id * ldTable;
            VectorOps.add(width, dTable, row, dy, dyOff + r * ldy, dTable, row);
        }
    }

    /**
     * Row r of dy [rows, width] (at {@code dyOff + r·ldy}) added into row {@code r mod period} of dTable [≥ period, width]
     * (at {@code tableOff + (r mod period)·ldTable}), r in order.
     */
    public static void addPeriodic(int rows, int width, int period, float[] dy, int dyOff, int ldy,
                                   float[] dTable, int tableOff, int ldTable) {
        for (int r = 0; r < rows; r++) {
            int row = tableOff + r % period * ldTable;
            VectorOps.add(width, dTable, row, dy, dyOff + r * ldy, dTable, row);
        }
    }
}
