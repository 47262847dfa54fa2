package org.vecformer.model.transformer;

/** TransformerLens {@code positional_embedding_type}: where {@code W_pos} enters the model. */
public enum PositionalEmbedding {
    /** {@code "standard"}: {@code W_pos} is added to the residual stream after the embedding. */
    STANDARD("standard"),
    /** {@code "shortformer"}: {@code W_pos} is added to the (normalized) input of Q and K only, never to V or the residual. */
    SHORTFORMER("shortformer");

    private final String tlName;

    PositionalEmbedding(String tlName) {
        this.tlName = tlName;
    }

    public String tlName() {
        return tlName;
    }

    public static PositionalEmbedding fromTl(String name) {
        for (PositionalEmbedding p : values()) {
            if (p.tlName.equals(name)) return p;
        }
        throw new IllegalArgumentException("positional_embedding_type must be \"standard\" or \"shortformer\", not \""
                + name + "\"");
    }
}
