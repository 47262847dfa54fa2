package org.vecformer.model.transformer;

import java.util.Optional;

/**
 * A parameter's name, typed: the one place the TransformerLens spelling of parameter names is written. {@link #tl()}
 * prints it ({@code embed.W_E}, {@code blocks.3.attn.W_Q}) and {@link #parse} reads it back, through {@link BlockPath}.
 * {@code layer} is -1 for a model-level parameter and the block index for a block's.
 */
public record ParamName(Param param, int layer) {
    /**
     * Every parameter TransformerLens' attention and MLP models have, by its path (after {@code blocks.{l}.} for block
     * parameters). The MLP ones ({@code ln2}, {@code mlp}) are named so an import can say what a file holds; no
     * sublayer of ours has them yet.
     */
    public enum Param implements BlockPath.Kind {
        W_E("embed.W_E", false), W_POS("pos_embed.W_pos", false),
        LN1_W("ln1.w", true), LN1_B("ln1.b", true),
        W_Q("attn.W_Q", true), W_K("attn.W_K", true), W_V("attn.W_V", true), W_O("attn.W_O", true),
        B_Q("attn.b_Q", true), B_K("attn.b_K", true), B_V("attn.b_V", true), B_O("attn.b_O", true),
        LN2_W("ln2.w", true), LN2_B("ln2.b", true),
        W_IN("mlp.W_in", true), B_IN("mlp.b_in", true), W_OUT("mlp.W_out", true), B_OUT("mlp.b_out", true),
        LN_FINAL_W("ln_final.w", false), LN_FINAL_B("ln_final.b", false),
        W_U("unembed.W_U", false), B_U("unembed.b_U", false);

        private final String path;
        private final boolean perBlock;

        Param(String path, boolean perBlock) {
            this.path = path;
            this.perBlock = perBlock;
        }

        /** The path within the model ({@code embed.W_E}) or within a block ({@code attn.W_Q}). */
        @Override
        public String path() {
            return path;
        }

        /** True for parameters that every block has one of. */
        @Override
        public boolean perBlock() {
            return perBlock;
        }

        private String leaf() {
            return path.substring(path.lastIndexOf('.') + 1);
        }

        /** An additive bias ({@code b}, {@code b_*}): may be absent from a file and is then zero. */
        public boolean isBias() {
            return leaf().equals("b") || leaf().startsWith("b_");
        }

        /** A weight matrix ({@code W_*}): initialised from N(0, std²), decayed by AdamW. */
        public boolean isMatrix() {
            return leaf().startsWith("W_");
        }

        /** A layer norm's gain ({@code w}): initialised to one. */
        public boolean isNormGain() {
            return leaf().equals("w");
        }

        /** True for the parameters of an MLP sublayer and its layer norm ({@code ln2}). */
        public boolean isMlp() {
            return path.startsWith("mlp.") || path.startsWith("ln2.");
        }

        /** True for a layer norm's parameters ({@code ln1}, {@code ln2}, {@code ln_final}). */
        public boolean isNorm() {
            return path.startsWith("ln");
        }
    }

    public ParamName {
        BlockPath.checkLayer(param, layer);
    }

    /** A model-level parameter: {@code embed.W_E}, {@code pos_embed.W_pos}, {@code ln_final.*}, {@code unembed.*}. */
    public static ParamName of(Param p) {
        return new ParamName(p, -1);
    }

    /** Parameter {@code p} of block {@code layer}. */
    public static ParamName of(Param p, int layer) {
        return new ParamName(p, layer);
    }

    /** The TransformerLens name: {@code embed.W_E}, {@code blocks.{l}.attn.W_Q}. */
    public String tl() {
        return BlockPath.print(layer, param.path());
    }

    @Override
    public String toString() {
        return tl();
    }

    /** The parameter a TransformerLens name spells, if it is one ({@code blocks.0.attn.mask} and {@code foo} are not). */
    public static Optional<ParamName> parse(String name) {
        BlockPath bp = BlockPath.parse(name);
        return BlockPath.find(Param.values(), bp).map(k -> new ParamName(k, bp.layer()));
    }

    /** True for the names of additive biases (which may be absent from a file and then are zero). */
    public static boolean isBias(String name) {
        return parse(name).map(n -> n.param().isBias()).orElse(false);
    }

    /** How messages name the buffers {@link #isBuffer} accepts. */
    public static final String BUFFERS = "attn.mask/IGNORE";

    /**
     * True for TransformerLens' attention buffers {@code blocks.{l}.attn.mask} (the causal mask) and
     * {@code blocks.{l}.attn.IGNORE} (the masked-score value): in its state dicts, not parameters.
     */
    public static boolean isBuffer(String name) {
        BlockPath bp = BlockPath.parse(name);
        return bp.layer() >= 0 && (bp.path().equals("attn.mask") || bp.path().equals("attn.IGNORE"));
    }
}
