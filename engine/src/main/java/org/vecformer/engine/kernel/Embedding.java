package org.vecformer.engine.kernel;

/**
 * Row lookup as a checked gather: {@code out[r, :] = table[ids[r], :]} for table [tableRows, width] and out
 * [ids.length, width], rows at offset + index · leading dimension. There is no arithmetic, so the kernel is one
 * {@link System#arraycopy} per row (the JVM copies with its widest vector moves); the twin
 * {@link org.vecformer.engine.reference.RefEmbedding#gather} copies element by element.
 */
public final class Embedding {
    private Embedding() {}

    /**
     * {@code out[outOff + r·ldOut ..] = table[tableOff + ids[r]·ldTable ..]}, {@code width} floats per row; an id outside
     * [0, tableRows) is an error naming it and its row.
     */
    public static void gather(int width, int[] ids, float[] table, int tableOff, int ldTable, int tableRows,
                              float[] out, int outOff, int ldOut) {
        for (int r = 0; r < ids.length; r++) {
            int id = ids[r];
            if (id < 0 || id >= tableRows) {
                throw new IllegalArgumentException("id " + id + " at row " + r + " is outside the table's rows [0, " + tableRows + ")");
            }
            System.arraycopy(table, tableOff + id * ldTable, out, outOff + r * ldOut, width);
        }
    }
}
