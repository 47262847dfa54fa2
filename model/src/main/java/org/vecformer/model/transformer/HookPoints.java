package org.vecformer.model.transformer;

import java.util.List;

/**
 * The hook point names of a model, TransformerLens spelling, in the order the forward reaches them, and
 * their shapes (batch first):
 * <pre>
 *   hook_embed, hook_pos_embed, blocks.{l}.hook_resid_pre,
 *   blocks.{l}.hook_attn_out, blocks.{l}.hook_resid_post,
 *   blocks.{l}.ln1.hook_normalized, ln_final.hook_normalized     [batch, pos, d_model]
 *   blocks.{l}.ln1.hook_scale, ln_final.hook_scale              [batch, pos, 1]
 *   blocks.{l}.attn.hook_q|hook_k|hook_v|hook_z                 [batch, pos, head_index, d_head]
 *   blocks.{l}.attn.hook_attn_scores|hook_pattern               [batch, head_index, query_pos, key_pos]
 *   blocks.{l}.attn.hook_result                                 [batch, pos, head_index, d_model]
 * </pre>
 * Layer-norm hooks exist only when the config normalizes. The names are spelled by {@link HookName}.
 */
public final class HookPoints {
    private HookPoints() {}

    /** The hook point names of a model of {@code c}, in forward order (those of its {@link Architecture}'s pieces). */
    public static List<String> names(Config c) {
        return Architecture.of(c).hooks(c).stream().map(HookName::tl).toList();
    }
}
