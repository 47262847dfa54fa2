package org.vecformer.model.transformer;

import java.util.List;
import java.util.Map;

/**
 * One piece of the model as TransformerLens draws it: the token embedding, the positional embedding, a block's
 * sublayers (attention) and the unembedding with its final layer norm. Each owns its parameters (names and shapes, in
 * state-dict order), its hook points (in forward order), its forward and its backward; {@link Architecture} lists a
 * config's pieces, and {@link Weights#shapes}, {@link HookPoints#names}, {@link Forward} and {@link Backward} walk
 * that list. A new kind of block sublayer is one class implementing {@link BlockSublayer} plus the config value that
 * puts it in {@link Architecture#of}.
 */
sealed interface Sublayer permits TokenEmbedding, PositionalEmbedding, BlockSublayer, Unembedding {
    /** Adds this piece's parameters (of block {@code layer}, or model-level ones for -1) to {@code out}, in state-dict order. */
    void params(Config c, int layer, Map<ParamName, int[]> out);

    /** Adds this piece's hook points (of block {@code layer}, or model-level ones for -1) to {@code out}, in forward order. */
    void hooks(Config c, int layer, List<HookName> out);
}
