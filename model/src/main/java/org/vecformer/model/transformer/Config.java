package org.vecformer.model.transformer;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shape and variant of an attention-only transformer, with TransformerLens field names in JSON
 * ({@code n_layers, d_model, n_heads, d_head, n_ctx, d_vocab, normalization_type,
 * positional_embedding_type, eps}) plus {@code biases}: whether the additive biases
 * ({@code b_Q, b_K, b_V, b_O, b_U} and the layer norms' {@code b}) exist. TransformerLens always has them;
 * without them they are zero and absent from the state dict.
 *
 * <p>The compact constructor rejects impossible shapes with a one-line message.
 */
public record Config(int nLayers, int dModel, int nHeads, int dHead, int nCtx, int dVocab,
                     Normalization normalization, PositionalEmbedding positionalEmbedding, double eps, boolean biases) {
    /** TransformerLens' default {@code eps}. */
    public static final double DEFAULT_EPS = 1e-5;

    public Config {
        atLeast("n_layers", nLayers, 0);
        atLeast("d_model", dModel, 1);
        atLeast("n_heads", nHeads, 1);
        atLeast("d_head", dHead, 1);
        atLeast("n_ctx", nCtx, 1);
        atLeast("d_vocab", dVocab, 1);
        if (normalization == null) throw new IllegalArgumentException("normalization must be given (NONE for TransformerLens null)");
        if (positionalEmbedding == null) throw new IllegalArgumentException("positional_embedding_type must be given");
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps must be a positive number, not " + eps);
        long qkvWidth = 3L * nHeads * dHead;
        for (long size : new long[] {(long) dModel * qkvWidth, (long) dVocab * dModel, (long) nCtx * dModel, qkvWidth}) {
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape too large: a weight matrix would hold " + size + " floats (limit "
                        + (Integer.MAX_VALUE - 8) + ")");
            }
        }
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) throw new IllegalArgumentException(name + " must be >= " + min + ", not " + value);
    }

    /** A config with TransformerLens defaults: LN, standard positions, eps 1e-5, biases. */
    public static Config of(int nLayers, int dModel, int nHeads, int dHead, int nCtx, int dVocab) {
        return new Config(nLayers, dModel, nHeads, dHead, nCtx, dVocab, Normalization.LN, PositionalEmbedding.STANDARD,
                DEFAULT_EPS, true);
    }

    public Config withNormalization(Normalization n) {
        return new Config(nLayers, dModel, nHeads, dHead, nCtx, dVocab, n, positionalEmbedding, eps, biases);
    }

    public Config withPositionalEmbedding(PositionalEmbedding p) {
        return new Config(nLayers, dModel, nHeads, dHead, nCtx, dVocab, normalization, p, eps, biases);
    }

    public Config withBiases(boolean b) {
        return new Config(nLayers, dModel, nHeads, dHead, nCtx, dVocab, normalization, positionalEmbedding, eps, b);
    }

    public Config withEps(double e) {
        return new Config(nLayers, dModel, nHeads, dHead, nCtx, dVocab, normalization, positionalEmbedding, e, biases);
    }

    /** Width of the fused QKV buffer: {@code 3·n_heads·d_head}. */
    public int qkvWidth() {
        return 3 * nHeads * dHead;
    }

    /** The config as a TransformerLens-style JSON object. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_layers", nLayers);
        m.put("d_model", dModel);
        m.put("n_heads", nHeads);
        m.put("d_head", dHead);
        m.put("n_ctx", nCtx);
        m.put("d_vocab", dVocab);
        m.put("normalization_type", normalization.tlName());
        m.put("positional_embedding_type", positionalEmbedding.tlName());
        m.put("eps", eps);
        m.put("attn_only", true);
        m.put("biases", biases);
        try {
            return JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write config JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a JSON object with TransformerLens field names. {@code n_layers, d_model, n_heads, d_head,
     * n_ctx, d_vocab} are required; {@code normalization_type} defaults to "LN",
     * {@code positional_embedding_type} to "standard", {@code eps} to 1e-5, {@code biases} to true. Other
     * TransformerLens fields are ignored, except {@code attn_only: false} (this is not an attention-only model).
     */
    public static Config fromJson(String json) {
        Map<String, Object> m = ConfigJson.object(json);
        if (Boolean.FALSE.equals(m.get("attn_only"))) {
            throw new IllegalArgumentException("config has attn_only: false; only attention-only transformers are supported");
        }
        Normalization norm = m.containsKey("normalization_type")
                ? Normalization.fromTl(ConfigJson.string(m, "normalization_type")) : Normalization.LN;
        PositionalEmbedding pos = m.containsKey("positional_embedding_type")
                ? PositionalEmbedding.fromTl(ConfigJson.string(m, "positional_embedding_type")) : PositionalEmbedding.STANDARD;
        double eps = m.containsKey("eps") ? ConfigJson.number(m, "eps").doubleValue() : DEFAULT_EPS;
        boolean biases = true;
        if (m.containsKey("biases")) {
            if (!(m.get("biases") instanceof Boolean b)) throw new IllegalArgumentException("config field biases must be true or false");
            biases = b;
        }
        return new Config(ConfigJson.integer(m, "n_layers"), ConfigJson.integer(m, "d_model"), ConfigJson.integer(m, "n_heads"), ConfigJson.integer(m, "d_head"),
                ConfigJson.integer(m, "n_ctx"), ConfigJson.integer(m, "d_vocab"), norm, pos, eps, biases);
    }




}
