package org.vecformer.model.tl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;

/** The two config forms map as TransformerLens maps them; what the transformer cannot compute is refused by name. */
class TlConfigTest {
    /** The fields of NeelNanda/Attn_Only_2L512W_C4_Code's config.json that matter, plus training fields. */
    private static final String HUB = """
            {"n_layers": 2, "d_model": 512, "d_mlp": 2048, "d_head": 64, "n_heads": 8, "n_ctx": 1024, "d_vocab": 48262,
             "tokenizer_name": "NeelNanda/gpt-neox-tokenizer-digits", "normalization": "LN", "act_fn": "solu_ln",
             "shortformer_pos": false, "attn_only": true, "ln_eps": 1e-5, "lr_hidden": 0.002, "betas": [0.9, 0.99]}""";

    private static String hub(String from, String to) {
        assertTrue(HUB.contains(from), from);
        return HUB.replace(from, to);
    }

    @Test
    void hubTrainingConfigMapsLikeConvertNeelModelConfig() {
        TlConfig c = TlConfig.parse(HUB);
        assertEquals(TlConfig.Format.TRAINING, c.format());
        assertEquals(Config.of(2, 512, 8, 64, 1024, 48262), c.config());
        assertEquals(Optional.of("NeelNanda/gpt-neox-tokenizer-digits"), c.tokenizerName());
        assertEquals(List.of(), c.notes());

        Config shortformer = TlConfig.parse(hub("\"shortformer_pos\": false", "\"shortformer_pos\": true")).config();
        assertEquals(PositionalEmbedding.SHORTFORMER, shortformer.positionalEmbedding());
        assertEquals(Normalization.NONE, TlConfig.parse(hub("\"normalization\": \"LN\"", "\"normalization\": null")).config().normalization());
        assertEquals(Normalization.LN_PRE, TlConfig.parse(hub("\"normalization\": \"LN\"", "\"normalization\": \"LNPre\"")).config().normalization());
        assertEquals(8, TlConfig.parse(hub("\"n_heads\": 8", "\"n_heads\": -1")).config().nHeads(), "n_heads -1 is d_model / d_head");

        TlConfig eps = TlConfig.parse(hub("\"ln_eps\": 1e-5", "\"ln_eps\": 1e-6"));
        assertEquals(1e-5, eps.config().eps(), "TransformerLens does not pass ln_eps on");
        assertEquals(1, eps.notes().size());
        assertTrue(eps.notes().getFirst().contains("ln_eps 1.0E-6 is not used"), eps.notes().getFirst());
    }

    @Test
    void hookedTransformerConfigUsesTransformerLensDefaults() {
        TlConfig c = TlConfig.parse("{\"n_layers\": 1, \"d_model\": 32, \"d_head\": 8, \"n_ctx\": 16, \"d_vocab\": 50, \"attn_only\": true}");
        assertEquals(TlConfig.Format.HOOKED_TRANSFORMER, c.format());
        assertEquals(Config.of(1, 32, 4, 8, 16, 50), c.config());
        TlConfig full = TlConfig.parse("""
                {"n_layers": 3, "d_model": 32, "n_heads": 2, "d_head": 8, "n_ctx": 16, "d_vocab": 50, "d_vocab_out": 50,
                 "attn_only": true, "d_mlp": null, "act_fn": null, "normalization_type": null,
                 "positional_embedding_type": "shortformer", "eps": 0.001, "attn_scale": 2.8284271247461903,
                 "use_attn_scale": true, "dtype": "torch.float32", "device": "cpu", "n_key_value_heads": null}""");
        assertEquals(new Config(3, 32, 2, 8, 16, 50, Normalization.NONE, PositionalEmbedding.SHORTFORMER, 0.001, true), full.config());
    }

    @Test
    void exportedConfigReadsBackAsTheSameModel() {
        for (Config c : List.of(Config.of(2, 16, 2, 8, 12, 23),
                new Config(0, 8, 1, 8, 4, 5, Normalization.LN_PRE, PositionalEmbedding.SHORTFORMER, 1e-3, true),
                new Config(1, 8, 2, 3, 4, 5, Normalization.NONE, PositionalEmbedding.STANDARD, 1e-5, false))) {
            TlConfig back = TlConfig.parse(TlExport.configJson(c));
            assertEquals(TlConfig.Format.HOOKED_TRANSFORMER, back.format());
            assertEquals(c.withBiases(true), back.config());
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "not json at all                                                   | config is not a JSON object",
        "[1, 2]                                                            | config is not a JSON object",
        "{\"normalization\": \"LN\", \"attn_only\": true, \"d_model\": 8}  | config is missing d_head",
        "{\"normalization\": \"LN\", \"attn_only\": false, \"d_mlp\": 2048, \"act_fn\": \"gelu\"} | attn_only: false (a model with MLP layers, d_mlp 2048, act_fn gelu)",
        "{\"n_layers\": 1, \"d_model\": 8, \"d_head\": 4, \"n_ctx\": 4, \"d_vocab\": 5} | does not say attn_only: true",
        "{\"normalization\": \"RMS\", \"attn_only\": true}                 | unsupported in the config: normalization RMS",
        "{\"normalization\": \"LN\", \"attn_only\": true, \"final_rms\": true} | unsupported in the config: final_rms: true",
        "{\"ln_eps\": 1e-5, \"attn_only\": true, \"architecture\": \"neel-solu-old\"} | unsupported in the config: architecture neel-solu-old",
        "{\"attn_only\": true, \"positional_embedding_type\": \"rotary\"}  | unsupported in the config: positional_embedding_type rotary",
        "{\"attn_only\": true, \"gated_mlp\": true}                        | unsupported in the config: gated_mlp: true",
        "{\"attn_only\": true, \"num_experts\": 8}                         | unsupported in the config: num_experts: 8",
        "{\"attn_only\": true, \"attention_dir\": \"bidirectional\"}       | unsupported in the config: attention_dir bidirectional",
        "{\"attn_only\": true, \"use_attn_scale\": false}                  | unsupported in the config: use_attn_scale: false",
        "{\"attn_only\": true, \"n_layers\": 1, \"d_model\": 8, \"d_head\": 4, \"n_ctx\": 4, \"d_vocab\": 5, \"attn_scale\": 1.0} | unsupported in the config: attn_scale 1.0",
        "{\"attn_only\": true, \"n_layers\": 1, \"d_model\": 8, \"d_head\": 4, \"n_ctx\": 4, \"d_vocab\": 5, \"d_vocab_out\": 7} | d_vocab_out 7 different from d_vocab 5",
        "{\"attn_only\": true, \"n_layers\": 1, \"d_model\": 8, \"d_head\": 4, \"n_ctx\": 4, \"d_vocab\": 5, \"n_key_value_heads\": 1} | n_key_value_heads 1 (grouped-query attention)",
        "{\"attn_only\": true, \"n_layers\": 1, \"d_model\": 8, \"d_head\": 4, \"n_ctx\": 4, \"d_vocab\": -1} | config has d_vocab -1",
        "{\"attn_only\": true, \"n_layers\": 1, \"d_model\": 9, \"d_head\": 4, \"n_ctx\": 4, \"d_vocab\": 5} | n_heads -1 but d_model 9 is not a multiple of d_head 4",
        "{\"attn_only\": true, \"n_layers\": \"two\", \"d_model\": 8, \"d_head\": 4, \"n_ctx\": 4, \"d_vocab\": 5} | config field n_layers must be a number",
        "{\"attn_only\": true, \"n_layers\": 1, \"d_model\": 8, \"d_head\": 4, \"n_ctx\": 0, \"d_vocab\": 5} | n_ctx must be >= 1, not 0",
        "{\"shortformer_pos\": \"yes\", \"attn_only\": true, \"n_layers\": 1, \"d_model\": 8, \"d_head\": 4, \"n_heads\": 2, \"n_ctx\": 4, \"d_vocab\": 5} | config field shortformer_pos must be true or false",
    })
    void refusesWithOneLineNamingTheProblem(String json, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlConfig.parse(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
