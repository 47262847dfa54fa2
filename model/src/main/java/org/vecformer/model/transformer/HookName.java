package org.vecformer.model.transformer;

import java.util.Optional;

/**
 * A hook point's name, typed: the one place the TransformerLens spelling of hook names is written. {@link #tl()} prints
 * it ({@code hook_embed}, {@code blocks.2.attn.hook_pattern}) and {@link #parse} reads it back, through {@link BlockPath}.
 * {@code layer} is -1 for a model-level hook point and the block index for a block's. {@link HookPoints} lists a
 * model's hook points in forward order with their shapes.
 */
public record HookName(Hook hook, int layer) {
    /** Every hook point of the attention-only model, by its path (after {@code blocks.{l}.} for block hooks). */
    public enum Hook implements BlockPath.Kind {
        EMBED("hook_embed", false), POS_EMBED("hook_pos_embed", false),
        RESID_PRE("hook_resid_pre", true),
        LN1_SCALE("ln1.hook_scale", true), LN1_NORMALIZED("ln1.hook_normalized", true),
        Q("attn.hook_q", true), K("attn.hook_k", true), V("attn.hook_v", true),
        ATTN_SCORES("attn.hook_attn_scores", true), PATTERN("attn.hook_pattern", true),
        Z("attn.hook_z", true), RESULT("attn.hook_result", true),
        ATTN_OUT("hook_attn_out", true), RESID_POST("hook_resid_post", true),
        LN_FINAL_SCALE("ln_final.hook_scale", false), LN_FINAL_NORMALIZED("ln_final.hook_normalized", false);

        private final String path;
        private final boolean perBlock;

        Hook(String path, boolean perBlock) {
            this.path = path;
            this.perBlock = perBlock;
        }

        /** The path within the model ({@code hook_embed}) or within a block ({@code attn.hook_z}). */
        @Override
        public String path() {
            return path;
        }

        /** True for hook points that every block has one of. */
        @Override
        public boolean perBlock() {
            return perBlock;
        }

        /** True when {@code name} is this hook point (of any block): a filter for {@link Hooks#caching}. */
        public boolean matches(String name) {
            return parse(name).map(h -> h.hook() == this).orElse(false);
        }
    }

    public HookName {
        BlockPath.checkLayer(hook, layer);
    }

    /** A model-level hook point: {@code hook_embed}, {@code hook_pos_embed}, {@code ln_final.*}. */
    public static HookName of(Hook h) {
        return new HookName(h, -1);
    }

    /** Hook point {@code h} of block {@code layer}. */
    public static HookName of(Hook h, int layer) {
        return new HookName(h, layer);
    }

    /** The TransformerLens name: {@code hook_embed}, {@code blocks.{l}.attn.hook_z}. */
    public String tl() {
        return BlockPath.print(layer, hook.path());
    }

    @Override
    public String toString() {
        return tl();
    }

    /** The hook point a TransformerLens name spells, if it is one. */
    public static Optional<HookName> parse(String name) {
        BlockPath bp = BlockPath.parse(name);
        return BlockPath.find(Hook.values(), bp).map(k -> new HookName(k, bp.layer()));
    }
}
