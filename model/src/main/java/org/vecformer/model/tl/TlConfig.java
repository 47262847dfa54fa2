package org.vecformer.model.tl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.ConfigJson;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;

/**
 * A TransformerLens model config read into our {@link Config}, from either of the two JSON forms such models come
 * with:
 * <ul>
 *   <li>{@link Format#TRAINING}: the training config of Neel Nanda's Hub repos ({@code NeelNanda/Attn_Only_*}),
 *   recognised by {@code normalization}, {@code shortformer_pos} or {@code ln_eps}. Mapped as TransformerLens'
 *   {@code convert_neel_model_config} does: {@code normalization} (else {@code normalization_type}) is the
 *   normalization, {@code shortformer_pos} true means shortformer positions, {@code n_layers, d_model, d_head,
 *   n_heads, n_ctx, d_vocab} as they are, {@code attn_only} as it is; eps is TransformerLens' default 1e-5, because
 *   that function does not pass {@code ln_eps} on (a different {@code ln_eps} is reported in {@link #notes()});
 *   training fields (learning rates, batch sizes, dataset, ...) are ignored.</li>
 *   <li>{@link Format#HOOKED_TRANSFORMER}: a {@code HookedTransformerConfig} as a dict ({@code cfg.to_dict()}, or
 *   what {@code vecformer export} writes), with TransformerLens' defaults for absent fields ({@code n_heads}
 *   d_model / d_head, {@code normalization_type} "LN", {@code positional_embedding_type} "standard", {@code eps}
 *   1e-5, {@code attn_only} false).</li>
 * </ul>
 * Anything our attention-only transformer does not compute is refused by {@link #parse}, naming it: MLPs
 * ({@code attn_only} false), RMS norms, rotary or other positions, gated MLPs, experts, grouped-query or local
 * attention, soft caps, a non-default attention scale, an output vocabulary different from the input one.
 *
 * @param tokenizerName the config's {@code tokenizer_name} (a Hugging Face repo), when it names one
 * @param notes         remarks about the mapping the user should see (fields read differently than they may expect)
 */
public record TlConfig(Config config, Format format, Optional<String> tokenizerName, List<String> notes) {
    /** Which JSON form the config came in. */
    public enum Format {
        /** Neel Nanda's training config ({@code config.json} of the Hub repos). */
        TRAINING,
        /** A TransformerLens {@code HookedTransformerConfig} dict. */
        HOOKED_TRANSFORMER;

        /** The name shown in summaries. */
        public String label() {
            return this == TRAINING ? "training config (Hub)" : "HookedTransformerConfig";
        }
    }

    public TlConfig {
        notes = List.copyOf(notes);
    }

    /**
     * Reads a config in either form.
     *
     * @throws IllegalArgumentException one line: not a JSON object, a required field missing or of the wrong type,
     *     or a feature that is not supported (named)
     */
    public static TlConfig parse(String json) {
        Map<String, Object> m = ConfigJson.object(json);
        boolean training = m.containsKey("normalization") || m.containsKey("shortformer_pos") || m.containsKey("ln_eps");
        return training ? training(m) : hooked(m);
    }

    private static TlConfig training(Map<String, Object> m) {
        List<String> notes = new ArrayList<>();
        if (m.containsKey("architecture") && !"neel".equals(m.get("architecture"))) {
            throw unsupported("architecture " + m.get("architecture") + " (only Neel Nanda's \"neel\" models are)");
        }
        requireAttnOnly(m);
        if (Boolean.TRUE.equals(m.get("final_rms"))) throw unsupported("final_rms: true (an RMS final norm)");
        String norm = m.containsKey("normalization") ? ConfigJson.string(m, "normalization") : ConfigJson.string(m, "normalization_type");
        boolean shortformer = m.containsKey("shortformer_pos") && ConfigJson.bool(m, "shortformer_pos");
        if (m.get("ln_eps") instanceof Number e && e.doubleValue() != Config.DEFAULT_EPS) {
            notes.add("ln_eps " + e + " is not used: TransformerLens loads these models with eps " + Config.DEFAULT_EPS);
        }
        Config c = build(m, normalization(norm), shortformer ? PositionalEmbedding.SHORTFORMER : PositionalEmbedding.STANDARD,
                Config.DEFAULT_EPS);
        return new TlConfig(c, Format.TRAINING, tokenizer(m), notes);
    }

    private static TlConfig hooked(Map<String, Object> m) {
        requireAttnOnly(m);
        for (String flag : new String[] {"gated_mlp", "final_rms", "use_local_attn", "parallel_attn_mlp", "post_embedding_ln",
                "scale_attn_by_inverse_layer_idx", "use_qk_norm", "use_normalization_before_and_after", "use_NTK_by_parts_rope",
                "use_yarn_rope"}) {
            if (Boolean.TRUE.equals(m.get(flag))) throw unsupported(flag + ": true");
        }
        for (String field : new String[] {"num_experts", "experts_per_token", "relative_attention_num_buckets"}) {
            if (m.get(field) != null) throw unsupported(field + ": " + m.get(field));
        }
        if (m.containsKey("attention_dir") && !"causal".equals(m.get("attention_dir"))) {
            throw unsupported("attention_dir " + m.get("attention_dir") + " (only causal attention is)");
        }
        if (Boolean.FALSE.equals(m.get("use_attn_scale"))) throw unsupported("use_attn_scale: false (scores are always / sqrt(d_head))");
        for (String cap : new String[] {"attn_scores_soft_cap", "output_logits_soft_cap"}) {
            if (m.get(cap) instanceof Number n && n.doubleValue() > 0) throw unsupported(cap + " " + n);
        }
        String pos = m.containsKey("positional_embedding_type") ? ConfigJson.string(m, "positional_embedding_type") : "standard";
        PositionalEmbedding p = Arrays.stream(PositionalEmbedding.values()).filter(k -> k.tlName().equals(pos)).findFirst()
                .orElseThrow(() -> unsupported("positional_embedding_type " + pos + " (only " + Arrays.stream(PositionalEmbedding.values())
                        .map(PositionalEmbedding::tlName).collect(Collectors.joining(" and ")) + " are)"));
        Normalization n = normalization(m.containsKey("normalization_type") ? ConfigJson.string(m, "normalization_type") : "LN");
        double eps = m.get("eps") == null ? Config.DEFAULT_EPS : ConfigJson.number(m, "eps").doubleValue();
        Config c = build(m, n, p, eps);
        if (m.get("n_key_value_heads") != null && ConfigJson.integer(m, "n_key_value_heads") != c.nHeads()) {
            throw unsupported("n_key_value_heads " + m.get("n_key_value_heads") + " (grouped-query attention)");
        }
        if (m.get("attn_scale") instanceof Number s && s.doubleValue() != -1
                && Math.abs(s.doubleValue() - Math.sqrt(c.dHead())) > 1e-6 * Math.sqrt(c.dHead())) {
            throw unsupported("attn_scale " + s + " (scores are divided by sqrt(d_head) = " + Math.sqrt(c.dHead()) + ")");
        }
        if (m.get("d_vocab_out") != null && ConfigJson.integer(m, "d_vocab_out") != -1 && ConfigJson.integer(m, "d_vocab_out") != c.dVocab()) {
            throw unsupported("d_vocab_out " + m.get("d_vocab_out") + " different from d_vocab " + c.dVocab());
        }
        return new TlConfig(c, Format.HOOKED_TRANSFORMER, tokenizer(m), List.of());
    }

    /** Our config from the shape fields: {@code n_heads} -1 (or absent in TransformerLens' form) means d_model / d_head. */
    private static Config build(Map<String, Object> m, Normalization n, PositionalEmbedding p, double eps) {
        int dModel = ConfigJson.integer(m, "d_model"), dHead = ConfigJson.integer(m, "d_head");
        int nHeads = m.get("n_heads") == null ? -1 : ConfigJson.integer(m, "n_heads");
        if (nHeads == -1) {
            if (dHead < 1 || dModel % dHead != 0) {
                throw new IllegalArgumentException("config has n_heads -1 but d_model " + dModel + " is not a multiple of d_head " + dHead);
            }
            nHeads = dModel / dHead;
        }
        int dVocab = ConfigJson.integer(m, "d_vocab");
        if (dVocab == -1) {
            throw new IllegalArgumentException("config has d_vocab -1 (TransformerLens then takes it from a tokenizer): give the vocabulary size");
        }
        return new Config(ConfigJson.integer(m, "n_layers"), dModel, nHeads, dHead, ConfigJson.integer(m, "n_ctx"), dVocab, n, p, eps, true);
    }

    /** Refuses a model with MLPs: {@code attn_only} must be true (TransformerLens' default is false). */
    private static void requireAttnOnly(Map<String, Object> m) {
        Object v = m.get("attn_only");
        if (Boolean.TRUE.equals(v)) return;
        if (v == null) {
            throw new IllegalArgumentException("config does not say attn_only: true (TransformerLens' default is false, a model"
                    + " with MLPs); only attention-only transformers are supported");
        }
        String mlp = (m.get("d_mlp") != null ? ", d_mlp " + m.get("d_mlp") : "") + (m.get("act_fn") != null ? ", act_fn " + m.get("act_fn") : "");
        throw new IllegalArgumentException("config has attn_only: " + v + " (a model with MLP layers" + mlp
                + "); only attention-only transformers are supported");
    }

    private static Normalization normalization(String tl) {
        if (tl == null) return Normalization.NONE;
        return switch (tl) {
            case "LN" -> Normalization.LN;
            case "LNPre" -> Normalization.LN_PRE;
            default -> throw unsupported("normalization " + tl + " (only LN, LNPre and none are)");
        };
    }

    private static Optional<String> tokenizer(Map<String, Object> m) {
        return m.get("tokenizer_name") instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    private static IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException("unsupported in the config: " + what);
    }





}
