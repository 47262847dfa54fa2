package org.vecformer.model.transformer;

import java.util.Objects;

/** TransformerLens {@code normalization_type}: which layer norm sits before attention and the unembedding. */
public enum Normalization {
    /** {@code "LN"}: centre, scale to unit root-mean-square, then {@code ·w + b}. */
    LN("LN"),
    /** {@code "LNPre"}: centre and scale only; no parameters (weights folded into the next matrix). */
    LN_PRE("LNPre"),
    /** {@code null}: no normalization at all. */
    NONE(null);

    private final String tlName;

    Normalization(String tlName) {
        this.tlName = tlName;
    }

    /** The TransformerLens spelling ({@code null} for {@link #NONE}). */
    public String tlName() {
        return tlName;
    }

    /** True when the model has layer norms (with or without parameters). */
    public boolean normalizes() {
        return this != NONE;
    }

    /** Parses the TransformerLens spelling; {@code null} means {@link #NONE}. */
    public static Normalization fromTl(String name) {
        for (Normalization n : values()) {
            if (Objects.equals(n.tlName, name)) return n;
        }
        throw new IllegalArgumentException("normalization_type must be \"LN\", \"LNPre\" or null, not \"" + name + "\"");
    }
}
