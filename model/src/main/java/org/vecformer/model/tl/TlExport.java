package org.vecformer.model.tl;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/**
 * A model in the form TransformerLens loads: the state dict under its names and the {@code HookedTransformerConfig}
 * as JSON. In Python: {@code HookedTransformer(HookedTransformerConfig(**json.load(f)))} then
 * {@code load_state_dict(safetensors.torch.load_file(...), strict=False)} (strict=False because the attention's
 * mask/IGNORE buffers are not exported: TransformerLens builds them itself).
 */
public final class TlExport {
    private TlExport() {}

    /**
     * The parameters by TransformerLens name, in {@link Weights#shapes} order; a model without biases gets zero
     * biases, since every TransformerLens model has them. Tensors are shared with {@code w}, not copied.
     */
    public static Map<String, Tensor> stateDict(Weights w) {
        Config c = w.config();
        if (c.biases()) return w.stateDict();
        Map<String, Tensor> own = w.stateDict(), d = new LinkedHashMap<>();
        Weights.shapes(c.withBiases(true)).forEach((name, shape) -> d.put(name, own.containsKey(name) ? own.get(name) : Tensor.zeros(shape)));
        return Collections.unmodifiableMap(d);
    }

    /**
     * The {@code HookedTransformerConfig} dict of {@code c}: {@code HookedTransformerConfig(**json)} builds the same
     * attention-only model (no MLPs: {@code d_mlp} and {@code act_fn} null). Every key is a field of that dataclass
     * (it takes no others); biases are always part of a TransformerLens model, so a config without them exports
     * zero biases instead.
     */
    public static String configJson(Config c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_layers", c.nLayers());
        m.put("d_model", c.dModel());
        m.put("n_heads", c.nHeads());
        m.put("d_head", c.dHead());
        m.put("n_ctx", c.nCtx());
        m.put("d_vocab", c.dVocab());
        m.put("d_vocab_out", c.dVocab());
        m.put("d_mlp", null);
        m.put("act_fn", null);
        m.put("attn_only", true);
        m.put("normalization_type", c.normalization().tlName());
        m.put("positional_embedding_type", c.positionalEmbedding().tlName());
        m.put("eps", c.eps());
        m.put("attention_dir", "causal");
        try {
            return JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.PRETTY_PRINT_OUTPUT).asString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write config JSON: " + e.getMessage(), e);
        }
    }
}
