package org.vecformer.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Weights;

class ModelFileTest {
    @TempDir
    Path dir;

    private static final Config C = new Config(2, 8, 2, 4, 6, 5, Normalization.LN, PositionalEmbedding.SHORTFORMER, 1e-5, true);

    @Test
    void saveThenLoadIsBitExactWithConfigAndTokenizer() throws IOException {
        Weights w = Weights.init(C, 3, 0.7);
        w.stateDict().forEach((name, t) -> {
            for (int i = 0; i < t.size(); i++) t.data()[i] += (float) Math.sin(i + name.length());
        });
        CharTokenizer chars = CharTokenizer.fromText("abcde");
        Path f = dir.resolve("m.safetensors");
        new ModelFile(w, Optional.of(chars)).save(f);
        ModelFile back = ModelFile.load(f);
        assertEquals(C, back.config());
        assertEquals(Optional.of(chars), back.storedTokenizer());
        assertEquals(w.stateDict().keySet(), back.weights().stateDict().keySet());
        w.stateDict().forEach((name, t) -> {
            Tensor b = back.weights().stateDict().get(name);
            assertArrayEquals(t.shape(), b.shape(), name);
            for (int i = 0; i < t.size(); i++) {
                assertEquals(Float.floatToRawIntBits(t.data()[i]), Float.floatToRawIntBits(b.data()[i]), name + "[" + i + "]");
            }
        });
        int[][] tok = {{0, 4, 2, 1}};
        assertArrayEquals(new ModelFile(w, Optional.empty()).transformer().forward(tok).data(), back.transformer().forward(tok).data());
    }

    @Test
    void aBpeTokenizerIsStoredAsItsOwnTokenizerJsonAndMayHaveFewerIdsThanDVocab() throws IOException {
        String json;
        try (var in = ModelFileTest.class.getResourceAsStream("/tokenize/nfc-specials.json")) {
            json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        BpeTokenizer bpe = BpeTokenizer.fromJson(json);
        Config padded = new Config(1, 8, 2, 4, 6, bpe.vocabSize() + 10, Normalization.LN, PositionalEmbedding.STANDARD, 1e-5, true);
        Path f = dir.resolve("bpe.safetensors");
        new ModelFile(Weights.init(padded, 5), Optional.of(bpe)).save(f);
        ModelFile back = ModelFile.load(f);
        BpeTokenizer loaded = assertInstanceOf(BpeTokenizer.class, back.tokenizer());
        assertEquals(json, loaded.toJson());
        assertArrayEquals(bpe.encode("Hello <|BOS|> café"), loaded.encode("Hello <|BOS|> café"));
        assertEquals(bpe.bos(), loaded.bos());

        Config small = new Config(1, 8, 2, 4, 6, bpe.vocabSize() - 1, Normalization.LN, PositionalEmbedding.STANDARD, 1e-5, true);
        assertEquals("the tokenizer has ids up to " + (bpe.vocabSize() - 1) + " but d_vocab is " + (bpe.vocabSize() - 1),
                assertThrows(IllegalArgumentException.class, () -> new ModelFile(Weights.init(small, 5), Optional.of(bpe))).getMessage());
        Path unsupported = write(Map.of("config", padded.toJson(), "tokenizer", json.replace("\"type\":\"NFC\"", "\"type\":\"NFKC\"")),
                Weights.init(padded, 5).stateDict());
        assertEquals("model file " + unsupported + ": normalizer NFKC is not supported (only NFC or none)", message(unsupported));
    }

    @Test
    void idModelsUseRawIdsAndBiaslessFilesLoadWithZeroBiases() throws IOException {
        Weights w = Weights.init(C, 4);
        Map<String, Tensor> noBiases = new LinkedHashMap<>(w.stateDict());
        noBiases.keySet().removeIf(Weights::isBias);
        noBiases.put("blocks.1.attn.mask", Tensor.zeros(6, 6));
        Path f = write(Map.of("config", C.toJson()), noBiases);
        ModelFile m = ModelFile.load(f);
        assertInstanceOf(IdTokenizer.class, m.tokenizer());
        assertArrayEquals(new float[8], m.weights().blocks().get(0).bO().data());
        assertArrayEquals(w.wU().data(), m.weights().wU().data());
    }

    @Test
    void badFilesGiveOneLineErrorsNamingTheFile() throws IOException {
        Map<String, Tensor> good = Weights.init(C, 4).stateDict();
        Path missing = dir.resolve("nope.safetensors");
        assertEquals("model file " + missing + ": no such file", message(missing));

        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "hello");
        assertTrue(message(junk).startsWith("model file " + junk + ": "), message(junk));

        Path noConfig = write(Map.of(), good);
        assertTrue(message(noConfig).startsWith("model file " + noConfig + ": has no __metadata__.config (a safetensors file, but not"
                + " a vecformer model; a TransformerLens state dict becomes one with: vecformer import --weights "), message(noConfig));

        Path contradicting = write(Map.of("config", C.withBiases(true).toJson().replace("\"d_model\":8", "\"d_model\":16")), good);
        assertEquals("model file " + contradicting + ": tensor embed.W_E has shape [5, 8] but the config needs [5, 16]",
                message(contradicting));

        Map<String, Tensor> lacking = new LinkedHashMap<>(good);
        lacking.remove("blocks.1.attn.W_O");
        Path lack = write(Map.of("config", C.toJson()), lacking);
        assertEquals("model file " + lack + ": missing tensor blocks.1.attn.W_O [2, 4, 8]", message(lack));

        Map<String, Tensor> extra = new LinkedHashMap<>(good);
        extra.put("blocks.0.mlp.W_in", Tensor.zeros(8, 32));
        Path ex = write(Map.of("config", C.toJson()), extra);
        assertEquals("model file " + ex + ": unexpected tensor blocks.0.mlp.W_in (not a parameter of this config)", message(ex));

        Path badConfig = write(Map.of("config", "{\"n_layers\":2"), good);
        assertTrue(message(badConfig).startsWith("model file " + badConfig + ": config is not a JSON object"), message(badConfig));

        Path badTok = write(Map.of("config", C.toJson(), "tokenizer", CharTokenizer.fromText("abc").toJson()), good);
        assertEquals("model file " + badTok + ": the tokenizer has 3 characters but d_vocab is 5", message(badTok));
    }

    private Path write(Map<String, String> metadata, Map<String, Tensor> tensors) throws IOException {
        Path f = Files.createTempFile(dir, "m", ".safetensors");
        SafetensorsWriter.write(f, metadata, tensors);
        return f;
    }

    private static String message(Path f) {
        String m = assertThrows(ModelFileException.class, () -> ModelFile.load(f)).getMessage();
        assertTrue(!m.contains("\n"), "one line: " + m);
        return m;
    }
}
