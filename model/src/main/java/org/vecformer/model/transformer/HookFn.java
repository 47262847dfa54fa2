package org.vecformer.model.transformer;

import org.vecformer.engine.tensor.Tensor;

/**
 * A function at a hook point (TransformerLens {@code hook(activation, hook)}): reads the activation and
 * returns it (possibly changed in place) or a replacement of the same shape, which the forward then uses.
 */
@FunctionalInterface
public interface HookFn {
    Tensor apply(Tensor activation, String hookName);
}
