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

    /** The cached activation of hook point {@code name}, or null when the run did not cache it. */
    public Tensor get(HookName name) {
        return cache.get(name.tl());
    }
}
