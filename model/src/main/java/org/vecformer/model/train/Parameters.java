package org.vecformer.model.train;

import java.util.Arrays;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;

/** Checks shared by the optimiser and the clipper over name → tensor maps of parameters and gradients. */
final class Parameters {
    private Parameters() {}

    /** Every gradient is contiguous, and {@code grads} has exactly the names and shapes of {@code params}. */
    static void checkMatching(Map<String, Tensor> params, Map<String, Tensor> grads) {
        if (!params.keySet().equals(grads.keySet())) {
            throw new IllegalArgumentException("gradients " + grads.keySet() + " do not match parameters " + params.keySet());
        }
        for (var e : params.entrySet()) {
            Tensor g = grads.get(e.getKey());
            if (!Arrays.equals(g.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("gradient of " + e.getKey() + " has shape " + g + ", parameter " + e.getValue());
            }
            contiguous(e.getKey(), e.getValue());
            contiguous(e.getKey(), g);
        }
    }

    static void contiguous(String name, Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException(name + " must be a contiguous tensor");
    }
}
