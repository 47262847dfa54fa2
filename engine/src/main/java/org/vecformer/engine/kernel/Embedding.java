package org.vecformer.engine.kernel;

/**
 * Embedding lookup as a checked row gather: {@code out[t, :] = table[ids[t], :]} for table [rows, width] and out
 * [ids.length, width]. There is no arithmetic, so the kernel is one {@link System#arraycopy} per row (the JVM copies
 * with its widest vector moves); the twin {@link org.vecformer.engine.reference.RefEmbedding#lookup} copies element
 * by element.
 */
public final class Embedding {
    private Embedding() {}

    /** {@code out[t·width .. (t+1)·width) = table[ids[t]·width ..]}; an id outside [0, rows) is an error naming it and its position. */
    public static void gather(float[] table, int rows, int width, int[] ids, float[] out) {
        for (int t = 0; t < ids.length; t++) {
            int id = ids[t];
            if (id < 0 || id >= rows) {
                throw new IllegalArgumentException("token " + id + " at position " + t + " is outside the vocabulary [0, " + rows + ")");
            }
            System.arraycopy(table, id * width, out, t * width, width);
        }
    }
}
