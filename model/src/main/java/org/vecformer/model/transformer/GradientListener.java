package org.vecformer.model.transformer;

import org.vecformer.engine.tensor.Tensor;

/**
 * Receives gradients with respect to activations during {@link Backward#activationGradients}, named by the hook point
 * whose activation they differentiate and shaped as it (TransformerLens shapes, batch first). Per block l, from the
 * last block down: {@code blocks.{l}.hook_resid_post} and {@code blocks.{l}.hook_attn_out} (the same values, since
 * resid_post = resid_pre + attn_out), {@code blocks.{l}.attn.hook_z}, {@code blocks.{l}.attn.hook_q|hook_k|hook_v},
 * then {@code blocks.{l}.hook_resid_pre}. Each gradient is a fresh tensor the listener may keep.
 */
@FunctionalInterface
public interface GradientListener {
    void accept(String hookName, Tensor gradient);
}
