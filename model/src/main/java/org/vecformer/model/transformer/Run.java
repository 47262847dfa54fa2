package org.vecformer.model.transformer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;

/** Result of a hooked forward: logits [batch, pos, d_vocab] and the cached activations by hook name (forward order). */
public record Run(Tensor logits, Map<String, Tensor> cache) {
    public Run {
        cache = Collections.unmodifiableMap(new LinkedHashMap<>(cache));
    }
}
