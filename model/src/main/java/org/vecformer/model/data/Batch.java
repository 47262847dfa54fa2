package org.vecformer.model.data;

/**
 * A batch of token sequences for next-token prediction: {@code tokens} [size, nCtx+1], whose row b gives inputs
 * {@code tokens[b, 0..nCtx)} and targets {@code tokens[b, 1..nCtx]}. {@code predictable} [size, nCtx], when not
 * null, marks the target positions the task's planted structure determines (input position i predicts token i+1).
 */
public record Batch(int size, int nCtx, int[] tokens, boolean[] predictable) {
    public Batch {
        if (tokens.length != size * (nCtx + 1)) {
            throw new IllegalArgumentException(tokens.length + " tokens do not form " + size + " rows of n_ctx+1 = " + (nCtx + 1));
        }
        if (predictable != null && predictable.length != size * nCtx) {
            throw new IllegalArgumentException("mask of " + predictable.length + " entries for " + size + " rows of " + nCtx + " targets");
        }
    }

    /** Token i (0..nCtx) of row b. */
    public int token(int b, int i) {
        return tokens[b * (nCtx + 1) + i];
    }

    /** Inputs [size, nCtx]: each row without its last token. */
    public int[] inputs() {
        return columns(0);
    }

    /** Targets [size, nCtx]: each row without its first token. */
    public int[] targets() {
        return columns(1);
    }

    private int[] columns(int from) {
        int[] out = new int[size * nCtx];
        for (int b = 0; b < size; b++) System.arraycopy(tokens, b * (nCtx + 1) + from, out, b * nCtx, nCtx);
        return out;
    }
}
