package org.vecformer.model.transformer;

/**
 * A sublayer of a block, reading the residual stream and adding its output to it:
 * {@code resid += forward(resid)}. Attention is the only kind so far; TransformerLens' MLP ({@code ln2}, {@code mlp})
 * would be the second (docs/architecture.md).
 */
sealed interface BlockSublayer extends Sublayer permits AttentionSublayer {
    /**
     * The sublayer's output [B·T, d_model] for block {@code l} from the residual {@code resid} [B·T, d_model] (not
     * changed), offering its hook points and keeping in {@code pass.store} (when training) what its backward needs.
     */
    float[] forward(ForwardPass pass, int l, float[] resid);

    /**
     * Backward of block {@code l}'s sublayer: {@code dResid} [B·T, d_model] is ∂/∂(its output) on entry, and the
     * gradient through its input is added into it (the residual carries the rest through); parameter gradients are
     * added into {@code bp}'s map.
     */
    void backward(Backward bp, int l, float[] dResid);
}
