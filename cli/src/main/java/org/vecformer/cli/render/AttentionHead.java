package org.vecformer.cli.render;

/**
 * The attention pattern of head {@code head} in layer {@code layer} on a prompt of T tokens:
 * {@code pattern[q][k]} is the weight query position q puts on key position k (float[T][T], rows sum to 1, causal
 * so {@code pattern[q][k] = 0} for k &gt; q). The array is not copied.
 */
public record AttentionHead(int layer, int head, float[][] pattern) {
    public AttentionHead {
        if (layer < 0 || head < 0) {
            throw new IllegalArgumentException("layer and head must be >= 0, not L" + layer + "H" + head);
        }
        for (float[] row : pattern) {
            if (row.length != pattern.length) {
                throw new IllegalArgumentException(label(layer, head) + ": pattern must be square (T x T), found a row of "
                        + row.length + " in " + pattern.length + " rows");
            }
            for (float w : row) {
                if (!Float.isFinite(w)) {
                    throw new IllegalArgumentException(label(layer, head) + ": pattern weights must be finite, found " + w);
                }
            }
        }
    }

    /** The head's name as in the paper's figures: "L1H2". */
    public String label() {
        return label(layer, head);
    }

    private static String label(int layer, int head) {
        return "L" + layer + "H" + head;
    }
}
