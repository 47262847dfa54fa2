package org.vecformer.model.transformer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pieces of a model of one config, in forward order: the token embedding, the positional embedding, the
 * sublayers of every block, the unembedding. The parameters and hook points of a config are theirs, gathered here in
 * TransformerLens order; each block also offers {@code hook_resid_pre} before its sublayers and
 * {@code hook_resid_post} after them.
 */
record Architecture(TokenEmbedding embedding, PositionalEmbedding positional, List<BlockSublayer> block, Unembedding unembedding) {
    Architecture {
        block = List.copyOf(block);
    }

    /** The pieces {@code c} asks for: an attention-only model has one sublayer per block. */
    static Architecture of(Config c) {
        return new Architecture(new TokenEmbedding(), c.positionalEmbedding(), List.of(new AttentionSublayer()), new Unembedding());
    }

    /** Every parameter of a model of {@code c} with its shape, in state-dict order. */
    Map<ParamName, int[]> params(Config c) {
        Map<ParamName, int[]> s = new LinkedHashMap<>();
        embedding.params(c, -1, s);
        positional.params(c, -1, s);
        for (int l = 0; l < c.nLayers(); l++) {
            for (BlockSublayer sub : block) sub.params(c, l, s);
        }
        unembedding.params(c, -1, s);
        return s;
    }

    /** Every hook point of a model of {@code c}, in the order the forward reaches them. */
    List<HookName> hooks(Config c) {
        List<HookName> n = new ArrayList<>();
        embedding.hooks(c, -1, n);
        positional.hooks(c, -1, n);
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookName.of(HookName.Hook.RESID_PRE, l));
            for (BlockSublayer sub : block) sub.hooks(c, l, n);
            n.add(HookName.of(HookName.Hook.RESID_POST, l));
        }
        unembedding.hooks(c, -1, n);
        return n;
    }
}
