package org.vecformer.engine.reference;

/**
 * Scalar twin of the row gather: {@code out[r][j] = table[ids[r]][j]} for table [tableRows, width], out [ids.length, width],
 * rows at offset + index · leading dimension.
 */
public final class RefEmbedding {
    private RefEmbedding() {}

    public static void gather(int width, int[] ids, float[] table, int tableOff, int ldTable, int tableRows,
                              float[] out, int outOff, int ldOut) {
        for (int r = 0; r < ids.length; r++) {
            int id = ids[r];
            if (id < 0 || id >= tableRows) {
                throw new IllegalArgumentException("id " + id + " at row " + r + " is outside the table's rows [0, " + tableRows + ")");
            }
            for (int j = 0; j < width; j++) out[outOff + r * ldOut + j] = table[tableOff + id * ldTable + j];
        }
    }
}
