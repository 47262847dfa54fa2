package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.tensor.Tensor;

class ConfigWeightsTest {
    @Test
    void configJsonRoundTripsEveryVariant() {
        for (Normalization n : Normalization.values()) {
            for (PositionalEmbedding p : PositionalEmbedding.values()) {
                Config c = new Config(2, 8, 2, 4, 16, 10, n, p, 1e-6, n != Normalization.LN);
                assertEquals(c, Config.fromJson(c.toJson()));
            }
        }
        assertTrue(Config.of(1, 4, 1, 4, 8, 5).toJson().contains("\"normalization_type\":\"LN\""));
        assertTrue(Config.of(1, 4, 1, 4, 8, 5).withNormalization(Normalization.NONE).toJson().contains("\"normalization_type\":null"));
    }

    @Test
    void transformerLensConfigsReadWithDefaults() {
        Config c = Config.fromJson("{\"n_layers\":2,\"d_model\":512,\"n_heads\":8,\"d_head\":64,\"n_ctx\":2048,\"d_vocab\":48262,"
                + "\"d_mlp\":null,\"attn_only\":true,\"act_fn\":\"solu_ln\",\"normalization_type\":\"LNPre\","
                + "\"positional_embedding_type\":\"shortformer\"}");
        assertEquals(new Config(2, 512, 8, 64, 2048, 48262, Normalization.LN_PRE, PositionalEmbedding.SHORTFORMER, 1e-5, true), c);
    }

    @Test
    void impossibleConfigsGiveOneLineMessages() {
        assertEquals("d_model must be >= 1, not 0", bad(() -> Config.of(1, 0, 1, 1, 1, 1)));
        assertEquals("n_layers must be >= 0, not -1", bad(() -> Config.of(-1, 4, 1, 1, 1, 1)));
        assertEquals("n_ctx must be >= 1, not 0", bad(() -> Config.of(1, 4, 1, 1, 0, 1)));
        assertEquals("d_vocab must be >= 1, not 0", bad(() -> Config.of(1, 4, 1, 1, 4, 0)));
        assertEquals("eps must be a positive number, not 0.0", bad(() -> Config.of(1, 4, 1, 1, 4, 4).withEps(0)));
        assertTrue(bad(() -> Config.of(1, 100000, 100, 100, 4, 4)).startsWith("shape too large"));
        assertEquals("config is missing d_head", bad(() -> Config.fromJson("{\"n_layers\":1,\"d_model\":4,\"n_heads\":1,\"n_ctx\":4,\"d_vocab\":4}")));
        assertEquals("config field d_model must be a whole number, not 4.5",
                bad(() -> Config.fromJson("{\"n_layers\":1,\"d_model\":4.5,\"n_heads\":1,\"d_head\":4,\"n_ctx\":4,\"d_vocab\":4}")));
        assertEquals("normalization_type must be \"LN\", \"LNPre\" or null, not \"RMS\"",
                bad(() -> Config.fromJson("{\"n_layers\":1,\"d_model\":4,\"n_heads\":1,\"d_head\":4,\"n_ctx\":4,\"d_vocab\":4,\"normalization_type\":\"RMS\"}")));
        assertEquals("config has attn_only: false; only attention-only transformers are supported",
                bad(() -> Config.fromJson("{\"attn_only\":false}")));
        assertTrue(bad(() -> Config.fromJson("[1,")).startsWith("config is not a JSON object"));
    }

    private static String bad(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void stateDictHasTransformerLensNamesAndShapes() {
        Config c = new Config(2, 8, 2, 3, 7, 11, Normalization.LN, PositionalEmbedding.STANDARD, 1e-5, true);
        Map<String, Tensor> d = Weights.init(c, 1).stateDict();
        assertEquals(List.of("embed.W_E", "pos_embed.W_pos",
                "blocks.0.ln1.w", "blocks.0.ln1.b", "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V", "blocks.0.attn.W_O",
                "blocks.0.attn.b_Q", "blocks.0.attn.b_K", "blocks.0.attn.b_V", "blocks.0.attn.b_O",
                "blocks.1.ln1.w", "blocks.1.ln1.b", "blocks.1.attn.W_Q", "blocks.1.attn.W_K", "blocks.1.attn.W_V", "blocks.1.attn.W_O",
                "blocks.1.attn.b_Q", "blocks.1.attn.b_K", "blocks.1.attn.b_V", "blocks.1.attn.b_O",
                "ln_final.w", "ln_final.b", "unembed.W_U", "unembed.b_U"), List.copyOf(d.keySet()));
        assertArrayEquals(new int[] {2, 8, 3}, d.get("blocks.1.attn.W_K").shape());
        assertArrayEquals(new int[] {2, 3, 8}, d.get("blocks.1.attn.W_O").shape());
        assertArrayEquals(new int[] {2, 3}, d.get("blocks.0.attn.b_V").shape());
        assertArrayEquals(new int[] {8, 11}, d.get("unembed.W_U").shape());
        assertEquals(List.of("embed.W_E", "pos_embed.W_pos", "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V",
                "blocks.0.attn.W_O", "unembed.W_U"),
                List.copyOf(Weights.init(new Config(1, 8, 2, 3, 7, 11, Normalization.LN_PRE, PositionalEmbedding.STANDARD, 1e-5, false), 1)
                        .stateDict().keySet()));
    }

    @Test
    void initIsSeededGpt2Style() {
        Config c = Config.of(1, 64, 4, 16, 32, 50);
        Weights a = Weights.init(c, 5), b = Weights.init(c, 5);
        assertArrayEquals(a.wE().data(), b.wE().data());
        assertFalse(Arrays.equals(a.wE().data(), Weights.init(c, 6).wE().data()));
        float[] wq = a.blocks().get(0).wQ().data();
        double sum = 0, sq = 0;
        for (float v : wq) {
            sum += v;
            sq += v * v;
        }
        assertEquals(0.02, Math.sqrt(sq / wq.length - (sum / wq.length) * (sum / wq.length)), 0.001);
        for (float v : a.blocks().get(0).ln1W().data()) assertEquals(1f, v);
        for (float v : a.blocks().get(0).bQ().data()) assertEquals(0f, v);
        for (float v : a.bU().data()) assertEquals(0f, v);
        assertEquals(50 * 64 + 32 * 64 + 2 * 64 + 4 * 4 * 64 * 16 + 3 * 4 * 16 + 64 + 2 * 64 + 64 * 50 + 50, a.parameterCount());
    }

    @Test
    void stateDictSharesTheModelsArrays() {
        Config c = Config.of(1, 4, 1, 4, 4, 5);
        Weights w = Weights.init(c, 1);
        assertSame(w.wU(), w.stateDict().get("unembed.W_U"));
        Weights copy = w.copy();
        assertNotSame(w.wU().data(), copy.wU().data());
        assertArrayEquals(w.wU().data(), copy.wU().data());
    }

    @Test
    void loadingChecksTheStateDictAgainstTheConfig() {
        Config c = Config.of(1, 4, 2, 2, 4, 5);
        Map<String, Tensor> good = Weights.init(c, 1).stateDict();

        Map<String, Tensor> noBiases = new LinkedHashMap<>(good);
        noBiases.keySet().removeIf(Weights::isBias);
        noBiases.put("blocks.0.attn.mask", Tensor.zeros(4, 4));
        noBiases.put("blocks.0.attn.IGNORE", Tensor.zeros());
        Weights zeroBiases = Weights.fromStateDict(c, noBiases);
        assertArrayEquals(new float[5], zeroBiases.bU().data(), "absent biases are zero");

        Map<String, Tensor> missing = new LinkedHashMap<>(good);
        missing.remove("blocks.0.attn.W_V");
        assertEquals("missing tensor blocks.0.attn.W_V [2, 4, 2]", bad(() -> Weights.fromStateDict(c, missing)));

        Map<String, Tensor> extra = new LinkedHashMap<>(good);
        extra.put("blocks.0.mlp.W_in", Tensor.zeros(4, 16));
        assertEquals("unexpected tensor blocks.0.mlp.W_in (not a parameter of this config)", bad(() -> Weights.fromStateDict(c, extra)));
        assertEquals("unexpected tensor blocks.0.ln1.w (not a parameter of this config)",
                bad(() -> Weights.fromStateDict(c.withNormalization(Normalization.LN_PRE), good)));
        assertEquals("unexpected tensor blocks.0.ln1.b (the config says biases: false)",
                bad(() -> Weights.fromStateDict(c.withBiases(false), good)));

        Map<String, Tensor> wrong = new LinkedHashMap<>(good);
        wrong.put("embed.W_E", Tensor.zeros(6, 4));
        assertEquals("tensor embed.W_E has shape [6, 4] but the config needs [5, 4]", bad(() -> Weights.fromStateDict(c, wrong)));
    }

    @Test
    void nonFiniteWeightsAreNamedWithTheirIndex() {
        Config c = Config.of(1, 8, 2, 4, 6, 5);
        Map<String, Tensor> dict = new LinkedHashMap<>(Weights.init(c, 3).stateDict());
        Tensor wq = dict.get("blocks.0.attn.W_Q").copy();
        // [n_heads 2, d_model 8, d_head 4]: flat (1·8 + 3)·4 + 2 = 46 is [1, 3, 2]
        wq.data()[46] = Float.NaN;
        wq.data()[60] = Float.POSITIVE_INFINITY;
        dict.put("blocks.0.attn.W_Q", wq);
        assertEquals("tensor blocks.0.attn.W_Q holds NaN at [1, 3, 2] (and 1 more non-finite values)",
                assertThrows(IllegalArgumentException.class, () -> Weights.fromStateDict(c, dict)).getMessage());
        Tensor bu = Tensor.zeros(5);
        bu.data()[4] = Float.NEGATIVE_INFINITY;
        dict.put("blocks.0.attn.W_Q", Weights.init(c, 3).stateDict().get("blocks.0.attn.W_Q"));
        dict.put("unembed.b_U", bu);
        assertEquals("tensor unembed.b_U holds -Infinity at [4]",
                assertThrows(IllegalArgumentException.class, () -> Weights.fromStateDict(c, dict)).getMessage());
    }
}
