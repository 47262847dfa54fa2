package org.vecformer.model.transformer;

import java.util.ArrayList;
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
 * Layer-norm hooks exist only when the config normalizes.
 */
public final class HookPoints {
    private HookPoints() {}

    public static List<String> names(Config c) {
        List<String> n = new ArrayList<>(List.of("hook_embed", "hook_pos_embed"));
        for (int l = 0; l < c.nLayers(); l++) {
            String b = "blocks." + l + ".";
            n.add(b + "hook_resid_pre");
            if (c.normalization().normalizes()) {
                n.add(b + "ln1.hook_scale");
                n.add(b + "ln1.hook_normalized");
            }
            for (String a : new String[] {"hook_q", "hook_k", "hook_v", "hook_attn_scores", "hook_pattern", "hook_z", "hook_result"}) {
                n.add(b + "attn." + a);
            }
            n.add(b + "hook_attn_out");
            n.add(b + "hook_resid_post");
        }
        if (c.normalization().normalizes()) {
            n.add("ln_final.hook_scale");
            n.add("ln_final.hook_normalized");
        }
        return List.copyOf(n);
    }
}
