package org.vecformer.model.tl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * Every fixture model imports from its Hub-style and its HookedTransformerConfig config to the same model, whose
 * logits match PyTorch's float64 forward to 1e-4 relative; TransformerLens' processing keeps the log-probs and
 * gives the weights the fixture script computed with TransformerLens' formulas.
 */
class TlFixturesTest {
    static Stream<Path> variants() {
        return TlFixtures.variants().stream();
    }

    static Stream<Path> float32Variants() {
        return variants().filter(d -> d.getFileName().toString().endsWith("-f32"));
    }

    private static TlImport.Result load(Path dir, String config) throws IOException {
        TlConfig c = TlConfig.parse(Files.readString(dir.resolve(config)));
        return TlImport.weights(c.config(), TlStateDict.read(dir.resolve("model.safetensors"), n -> {}, n -> {}));
    }

    private static double[][] logits(Weights w, int[] tokens) {
        return TlFixtures.rows(new Transformer(w).forward(tokens));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void importedLogitsMatchTheFloat64Reference(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        TlConfig hub = TlConfig.parse(Files.readString(dir.resolve("config.json")));
        TlConfig hooked = TlConfig.parse(Files.readString(dir.resolve("hooked_config.json")));
        assertEquals(TlConfig.Format.TRAINING, hub.format());
        assertEquals(TlConfig.Format.HOOKED_TRANSFORMER, hooked.format());
        assertEquals(hub.config(), hooked.config(), "both config forms describe the same model");
        Config c = hub.config();
        assertEquals(name.startsWith("LNPre") ? Normalization.LN_PRE : name.startsWith("LN") ? Normalization.LN : Normalization.NONE,
                c.normalization());
        assertEquals(name.contains("shortformer") ? PositionalEmbedding.SHORTFORMER : PositionalEmbedding.STANDARD, c.positionalEmbedding());
        assertEquals(java.util.Optional.of("NeelNanda/gpt-neox-tokenizer-digits"), hub.tokenizerName());

        TlImport.Result imported = load(dir, "config.json");
        List<String> buffers = new ArrayList<>();
        if (name.endsWith("-f32")) {
            for (int l = 0; l < c.nLayers(); l++) buffers.addAll(List.of("blocks." + l + ".attn.mask", "blocks." + l + ".attn.IGNORE"));
        }
        assertEquals(buffers.stream().sorted().toList(), imported.ignored().stream().sorted().toList());
        assertEquals(List.of(), imported.zeroBiases());

        TlFixtures.Reference ref = TlFixtures.reference(dir);
        double error = TlFixtures.relativeError(logits(imported.weights(), ref.tokens()), ref.logits());
        assertTrue(error < 1e-4, name + ": logits off by " + error + " relative");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void transformerLensProcessingKeepsTheLogProbs(Path dir) throws IOException {
        TlImport.Result imported = load(dir, "hooked_config.json");
        TlProcessing.Result processed = TlProcessing.process(imported.weights().copy());
        TlFixtures.Reference ref = TlFixtures.reference(dir);
        double[][] want = TlFixtures.logProbs(ref.logits());
        double error = TlFixtures.relativeError(TlFixtures.logProbs(logits(processed.weights(), ref.tokens())), want);
        assertTrue(error < 1e-4, dir.getFileName() + ": processed log-probs off by " + error + " relative");
        double unprocessed = TlFixtures.relativeError(TlFixtures.logProbs(logits(imported.weights(), ref.tokens())), want);
        assertTrue(unprocessed < 1e-4, dir.getFileName() + ": log-probs off by " + unprocessed + " relative");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("float32Variants")
    void processingGivesTransformerLensWeights(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        TlProcessing.Result processed = TlProcessing.process(load(dir, "config.json").weights());
        boolean standard = name.contains("standard");
        List<String> expected = standard
                ? name.startsWith("none") ? List.of("center_unembed", "fold_value_biases")
                : name.startsWith("LNPre") ? List.of("center_writing_weights", "center_unembed", "fold_value_biases")
                : List.of("fold_ln", "center_writing_weights", "center_unembed", "fold_value_biases")
                : List.of("fold_value_biases");
        assertEquals(expected, processed.applied());
        Map<String, Tensor> got = processed.weights().stateDict();
        try (SafetensorsFile want = SafetensorsFile.open(dir.resolve("tl_processed.safetensors"))) {
            assertEquals(want.tensors().keySet().stream().sorted().toList(), got.keySet().stream().sorted().toList(),
                    name + ": parameter names after processing");
            for (String tensor : want.tensors().keySet()) {
                float[] w = want.readFloats(tensor), g = got.get(tensor).data();
                assertEquals(w.length, g.length, tensor);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i], g[i], 2e-6 * (1 + Math.abs(w[i])), name + " " + tensor + "[" + i + "] " + Arrays.toString(got.get(tensor).shape()));
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void epsFromTheHookedTransformerConfigIsUsed() throws IOException {
        Path dir = TlFixtures.root().resolve("LN-standard-eps");
        TlConfig c = TlConfig.parse(Files.readString(dir.resolve("hooked_config.json")));
        assertEquals(0.01, c.config().eps());
        TlImport.Result imported = TlImport.weights(c.config(), TlStateDict.read(dir.resolve("model.safetensors"), n -> {}, n -> {}));
        TlFixtures.Reference ref = TlFixtures.reference(dir);
        double error = TlFixtures.relativeError(logits(imported.weights(), ref.tokens()), ref.logits());
        assertTrue(error < 1e-4, "logits off by " + error + " relative");
        double withDefaultEps = TlFixtures.relativeError(logits(Weights.fromStateDict(c.config().withEps(1e-5),
                imported.weights().stateDict()), ref.tokens()), ref.logits());
        assertTrue(withDefaultEps > 1e-2, "eps 0.01 matters for this model: " + withDefaultEps);
    }
}
