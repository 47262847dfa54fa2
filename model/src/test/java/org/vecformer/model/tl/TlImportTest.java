package org.vecformer.model.tl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/** State dicts that contradict their config are refused naming the tensor; exported weights import unchanged. */
class TlImportTest {
    @TempDir
    Path dir;

    private static final Config CONFIG = Config.of(2, 8, 2, 4, 6, 11);

    private static Map<String, Tensor> dict(Config c, Consumer<Map<String, Tensor>> edit) {
        Map<String, Tensor> d = new LinkedHashMap<>(Weights.init(c, 3, 0.5).stateDict());
        edit.accept(d);
        return d;
    }

    private String refusal(Config c, Map<String, Tensor> d) throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, Map.of(), d);
        TlStateDict sd = TlStateDict.read(file, n -> {}, n -> {});
        String message = assertThrows(IllegalArgumentException.class, () -> TlImport.weights(c, sd)).getMessage();
        assertTrue(!message.contains("\n"), message);
        return message;
    }

    @Test
    void wrongShapeNamesTheTensorAndBothShapes() throws IOException {
        String m = refusal(CONFIG, dict(CONFIG, d -> d.put("blocks.1.attn.W_K", Tensor.zeros(2, 8, 3))));
        assertEquals("tensor blocks.1.attn.W_K has shape [2, 8, 3] but the config needs [2, 8, 4]", m);
    }

    @Test
    void missingWeightIsNamedButMissingBiasesAreZero() throws IOException {
        assertEquals("missing tensor unembed.W_U: the config needs it with shape [8, 11]",
                refusal(CONFIG, dict(CONFIG, d -> d.remove("unembed.W_U"))));
        assertEquals("missing tensor blocks.0.ln1.w: the config needs it with shape [8]",
                refusal(CONFIG, dict(CONFIG, d -> d.remove("blocks.0.ln1.w"))));
        Path file = dir.resolve("nobias.safetensors");
        SafetensorsWriter.write(file, Map.of(), dict(CONFIG, d -> d.remove("blocks.1.attn.b_O")));
        TlImport.Result r = TlImport.weights(CONFIG, TlStateDict.read(file, n -> {}, n -> {}));
        assertEquals(List.of("blocks.1.attn.b_O"), r.zeroBiases());
        assertArrayEquals(new float[8], r.weights().blocks().get(1).bO().data());
    }

    @Test
    void unexpectedTensorsSayWhyTheyDoNotBelong() throws IOException {
        assertEquals("tensor blocks.0.mlp.W_in [8, 32] belongs to an MLP layer; only attention-only models are supported",
                refusal(CONFIG, dict(CONFIG, d -> d.put("blocks.0.mlp.W_in", Tensor.zeros(8, 32)))));
        assertEquals("tensor blocks.2.attn.W_Q [2, 8, 4] belongs to layer 2 but the config has n_layers 2",
                refusal(CONFIG, dict(CONFIG, d -> d.put("blocks.2.attn.W_Q", Tensor.zeros(2, 8, 4)))));
        Config lnPre = CONFIG.withNormalization(Normalization.LN_PRE);
        assertEquals("tensor blocks.0.ln1.w [8] is a layer-norm parameter but the config's normalization is LNPre, which has none",
                refusal(lnPre, dict(lnPre, d -> d.put("blocks.0.ln1.w", Tensor.zeros(8)))));
        assertEquals("unexpected tensor lm_head.weight [11, 8]: not a parameter of an attention-only TransformerLens model",
                refusal(CONFIG, dict(CONFIG, d -> d.put("lm_head.weight", Tensor.zeros(11, 8)))));
    }

    @Test
    void nonFloatTensorsOtherThanTheBuffersAreRefused() throws IOException {
        String json = "{\"embed.W_E\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"blocks.0.attn.mask\":{\"dtype\":\"BOOL\",\"shape\":[2,2],\"data_offsets\":[4,8]},"
                + "\"steps\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("mixed.safetensors");
        Files.write(file, ByteBuffer.allocate(8 + header.length + 16).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array());
        TlStateDict sd = TlStateDict.read(file, n -> {}, n -> {});
        assertEquals(List.of("embed.W_E"), List.copyOf(sd.tensors().keySet()));
        assertEquals(List.of("blocks.0.attn.mask", "steps"), sd.skipped());
        String m = assertThrows(IllegalArgumentException.class, () -> TlImport.weights(CONFIG, sd)).getMessage();
        assertEquals("unexpected tensor steps: not floating point, and not one of TransformerLens' attn.mask/IGNORE buffers", m);
    }

    @Test
    void filesThatAreNotStateDictsSayWhatTheyAre() throws IOException {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": [], \"model\": {\"vocab\": {}}}");
        Path config = Files.writeString(dir.resolve("config.json"), "{\"n_layers\": 2, \"d_model\": 8}");
        Path junk = Files.writeString(dir.resolve("junk.bin"), "not a state dict at all");
        assertTrue(message(tokenizer).endsWith("this is a tokenizer, not a state dict"), message(tokenizer));
        assertTrue(message(config).endsWith("this is a model config, not a state dict (give it as --config)"), message(config));
        assertTrue(message(junk).contains("(--weights takes a safetensors or PyTorch state dict)"), message(junk));
        assertTrue(message(dir.resolve("absent")).endsWith("absent: no such file"), message(dir.resolve("absent")));
    }

    private static String message(Path p) {
        return assertThrows(IOException.class, () -> TlStateDict.read(p, n -> {}, n -> {})).getMessage();
    }

    @Test
    void exportedStateDictImportsToTheSameWeightsAndLogits() throws IOException {
        for (Config c : List.of(CONFIG, CONFIG.withPositionalEmbedding(PositionalEmbedding.SHORTFORMER).withEps(1e-3),
                CONFIG.withNormalization(Normalization.NONE).withBiases(false))) {
            Weights w = Weights.init(c, 7, 0.5);
            Path file = dir.resolve("export.safetensors");
            SafetensorsWriter.write(file, Map.of(), TlExport.stateDict(w));
            TlConfig back = TlConfig.parse(TlExport.configJson(c));
            Weights imported = TlImport.weights(back.config(), TlStateDict.read(file, n -> {}, n -> {})).weights();
            for (Map.Entry<String, Tensor> e : imported.stateDict().entrySet()) {
                Tensor mine = w.stateDict().get(e.getKey());
                float[] want = mine == null ? new float[e.getValue().size()] : mine.data();
                assertArrayEquals(want, e.getValue().data(), e.getKey());
            }
            int[] tokens = {1, 5, 9, 2, 10, 0};
            assertArrayEquals(new Transformer(w).forward(tokens).data(), new Transformer(imported).forward(tokens).data(), c.toString());
        }
    }
}
