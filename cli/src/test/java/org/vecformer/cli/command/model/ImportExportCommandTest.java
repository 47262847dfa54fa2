package org.vecformer.cli.command.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vecformer.cli.CliRun;
import org.vecformer.cli.Main;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Weights;

/**
 * {@code vecformer import} and {@code export} end to end: the PyTorch fixtures of the model module import to models
 * whose {@code run --json} logits match PyTorch's float64 forward; bad configs and weights give one line, exit 1 or
 * 2 and no file; export then import gives the same weights and logits.
 */
class ImportExportCommandTest {
    /** The fixtures written by model/src/test/resources/tl/make_fixtures.py (tests run in the module's folder). */
    private static final Path FIXTURES = Path.of("..", "model", "src", "test", "resources", "tl");

    /** Where outputs go: a refused import must leave it as it was. */
    @TempDir
    Path dir;

    /** Inputs (configs, state dicts) of the refusal cases. */
    @TempDir
    Path inputs;

    private static double[][] logits(CliRun run) throws IOException {
        assertEquals(0, run.code(), run.err());
        List<?> rows = (List<?>) JSON.std.mapFrom(run.out()).get("logits");
        return rows.stream().map(r -> ((List<?>) r).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray()).toArray(double[][]::new);
    }

    private static double[][] referenceLogits(Path variant) throws IOException {
        List<?> rows = (List<?>) JSON.std.mapFrom(Files.readString(variant.resolve("logits.json"))).get("logits");
        return rows.stream().map(r -> ((List<?>) r).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray()).toArray(double[][]::new);
    }

    private static final String TOKENS = "3 17 5 0 22 9 3 17 5 11 8 1";

    /** max |a − b| / max |b| after subtracting each row's log-sum-exp (log-probs) when {@code logProbs}. */
    private static double relativeError(double[][] a, double[][] b, boolean logProbs) {
        double diff = 0, scale = 0;
        for (int t = 0; t < b.length; t++) {
            double la = logProbs ? logSumExp(a[t]) : 0, lb = logProbs ? logSumExp(b[t]) : 0;
            for (int j = 0; j < b[t].length; j++) {
                diff = Math.max(diff, Math.abs((a[t][j] - la) - (b[t][j] - lb)));
                scale = Math.max(scale, Math.abs(b[t][j] - lb));
            }
        }
        return diff / scale;
    }

    private static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : x) max = Math.max(max, v);
        for (double v : x) sum += Math.exp(v - max);
        return max + Math.log(sum);
    }

    @ParameterizedTest(name = "{0} --process {1} from {2}")
    @CsvSource({"LN-standard-f32, none, model.safetensors", "LN-standard-f32, tl, model.safetensors",
                "LNPre-shortformer-f16, tl, model.safetensors", "none-standard-f16, none, model.safetensors",
                "none-shortformer-f32, tl, model.safetensors", "LN-standard-f32, tl, model_final.pth",
                "LN-shortformer-f16, none, model_final.pth", "LN-standard-f32, none, model_views.pth"})
    void importedFixtureRunsToThePyTorchLogits(String variant, String process, String weights) throws IOException {
        Path v = FIXTURES.resolve(variant), model = dir.resolve(variant + ".safetensors");
        CliRun imported = CliRun.of("import", "--weights", v.resolve(weights).toString(), "--config",
                v.resolve("config.json").toString(), "--out", model.toString(), "--process", process, "--json");
        assertEquals(0, imported.code(), imported.err());
        Map<String, Object> summary = JSON.std.mapFrom(imported.out());
        assertEquals("training config (Hub)", summary.get("config_format"));
        assertEquals(process, summary.get("processing"));
        int layers = ((Number) ((Map<?, ?>) summary.get("config")).get("n_layers")).intValue();
        assertEquals(weights.endsWith(".pth") ? "pytorch" : "safetensors", summary.get("weights_format"));
        assertEquals(weights.endsWith(".pth") || variant.endsWith("f32") ? 2 * layers : 0, ((List<?>) summary.get("skipped")).size(),
                "mask and IGNORE per layer");
        double[][] got = logits(CliRun.of("run", "--model", model.toString(), "--tokens", TOKENS, "--json"));
        double[][] want = referenceLogits(v);
        double error = relativeError(got, want, process.equals("tl"));
        assertTrue(error < 1e-4, variant + " --process " + process + ": off by " + error + " relative");
    }

    /** Runs {@code import} expecting a failure: the exit code, one message line naming {@code expected}, and no new file. */
    private void refused(int code, String expected, String... args) throws IOException {
        List<Path> before;
        try (Stream<Path> s = Files.list(dir)) {
            before = s.sorted().toList();
        }
        CliRun r = CliRun.of(Stream.concat(Stream.of("import"), Stream.of(args)).toArray(String[]::new));
        assertEquals(code, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().contains(expected), r.err());
        assertTrue(code == Main.USAGE ? lines.getFirst().endsWith("(vecformer import --help)") : lines.getFirst().startsWith("vecformer: error: "),
                r.err());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(before, s.sorted().toList(), "no file written, not even a temporary one");
        }
    }

    private Path config(String json) throws IOException {
        return Files.writeString(Files.createTempFile(inputs, "config", ".json"), json);
    }

    private static final String HUB = "{\"n_layers\": 2, \"d_model\": 8, \"d_mlp\": 32, \"d_head\": 4, \"n_heads\": 2, \"n_ctx\": 6,"
            + " \"d_vocab\": 11, \"normalization\": \"LN\", \"act_fn\": \"gelu\", \"shortformer_pos\": false, \"attn_only\": true,"
            + " \"ln_eps\": 1e-5}";

    private Path weights(Map<String, Tensor> dict) throws IOException {
        Path f = Files.createTempFile(inputs, "weights", ".safetensors");
        SafetensorsWriter.write(f, Map.of(), dict);
        return f;
    }

    private static Map<String, Tensor> good() {
        return new LinkedHashMap<>(Weights.init(Config.of(2, 8, 2, 4, 6, 11), 1, 0.5).stateDict());
    }

    @Test
    void badConfigsAndWeightsGiveOneLineAndNoFile() throws IOException {
        String out = dir.resolve("m.safetensors").toString();
        String w = weights(good()).toString();
        refused(1, "config is not a JSON object", "--weights", w, "--config", config("{not json").toString(), "--out", out);
        refused(1, "config is missing d_head", "--weights", w, "--config", config("{\"attn_only\": true, \"ln_eps\": 1e-5, \"d_model\": 8}").toString(), "--out", out);
        refused(1, "attn_only: false (a model with MLP layers, d_mlp 32, act_fn gelu)", "--weights", w,
                "--config", config(HUB.replace("\"attn_only\": true", "\"attn_only\": false")).toString(), "--out", out);
        Path hub = config(HUB);
        Map<String, Tensor> mlp = good();
        mlp.put("blocks.0.mlp.W_in", Tensor.zeros(8, 32));
        refused(1, "tensor blocks.0.mlp.W_in [8, 32] belongs to an MLP layer", "--weights", weights(mlp).toString(),
                "--config", hub.toString(), "--out", out);
        Map<String, Tensor> wrong = good();
        wrong.put("embed.W_E", Tensor.zeros(12, 8));
        refused(1, "tensor embed.W_E has shape [12, 8] but the config needs [11, 8]", "--weights", weights(wrong).toString(),
                "--config", hub.toString(), "--out", out);
        Map<String, Tensor> missing = good();
        missing.remove("blocks.1.attn.W_O");
        refused(1, "missing tensor blocks.1.attn.W_O: the config needs it with shape [2, 4, 8]", "--weights", weights(missing).toString(),
                "--config", hub.toString(), "--out", out);
        refused(1, "this is a model config, not a state dict", "--weights", hub.toString(), "--config", hub.toString(), "--out", out);
        refused(Main.USAGE, "--process must be none or tl, not 'all'", "--weights", w, "--config", hub.toString(), "--out", out, "--process", "all");
        refused(Main.USAGE, "Missing required option: '--weights=FILE'", "--config", hub.toString(), "--out", out);
        refused(Main.USAGE, "does not exist", "--weights", w, "--config", hub.toString(), "--out", dir.resolve("no/such/dir/m.safetensors").toString());
        Path tokenizer = Path.of("..", "model", "src", "test", "resources", "tokenize", "nfc-specials.json");
        refused(Main.FAILURE, "the tokenizer has ids up to", "--weights", w, "--config", hub.toString(), "--tokenizer", tokenizer.toString(),
                "--out", out);
        refused(Main.FAILURE, "config " + dir.resolve("absent.json") + ": no such file", "--weights", w, "--config",
                dir.resolve("absent.json").toString(), "--out", out);

        CliRun ok = CliRun.of("import", "--weights", w, "--config", hub.toString(), "--out", out);
        assertEquals(0, ok.code(), ok.err());
        assertEquals(ModelFile.load(Path.of(out)).weights().stateDict().keySet(), good().keySet());
    }

    @Test
    void hostilePyTorchCheckpointsAreRefusedInOneLineAndRunNothing() throws IOException {
        Path hostile = Path.of("..", "engine", "src", "test", "resources", "torch", "hostile");
        String hub = FIXTURES.resolve("LN-standard-f32/config.json").toString(), out = dir.resolve("m.safetensors").toString();
        refused(Main.FAILURE, "refuses global posix.system", "--weights", hostile.resolve("os_system.pth").toString(), "--config", hub, "--out", out);
        refused(Main.FAILURE, "elements needs 4398046511104", "--weights", hostile.resolve("huge_storage.pth").toString(), "--config", hub, "--out", out);
        refused(Main.FAILURE, "legacy (pre-1.6) PyTorch file", "--weights",
                hostile.getParent().resolve("legacy.pth").toString(), "--config", hub, "--out", out);
    }

    @Test
    void checkpointsAndTokenizersGivenAsModelsSayWhatTheyAre() throws IOException {
        Path pth = FIXTURES.resolve("LN-standard-f32/model_final.pth");
        CliRun r = CliRun.of("run", "--model", pth.toString(), "--tokens", "1 2");
        assertEquals(Main.FAILURE, r.code());
        assertTrue(r.err().contains("this is a PyTorch checkpoint, not a model file: use vecformer import --weights " + pth), r.err());
        Path tokenizer = Files.writeString(inputs.resolve("tokenizer.json"), "{\"added_tokens\": [], \"model\": {\"vocab\": {}}}");
        CliRun t = CliRun.of("inspect", "--model", tokenizer.toString());
        assertEquals(Main.FAILURE, t.code());
        assertTrue(t.err().startsWith("vecformer: error: model file " + tokenizer + ": this is a tokenizer, not a model"), t.err());
    }

    @Test
    void exportThenImportGivesTheSameWeightsAndLogits() throws IOException {
        for (Config c : List.of(Config.of(2, 8, 2, 4, 6, 11),
                new Config(1, 8, 2, 4, 6, 11, Normalization.LN_PRE, PositionalEmbedding.SHORTFORMER, 1e-3, true),
                new Config(3, 8, 4, 2, 6, 11, Normalization.NONE, PositionalEmbedding.STANDARD, 1e-5, true))) {
            Path model = dir.resolve("orig.safetensors"), exported = dir.resolve("tl"), back = dir.resolve("back.safetensors");
            ModelFile original = new ModelFile(Weights.init(c, 9, 0.5), Optional.empty());
            original.save(model);
            CliRun e = CliRun.of("export", "--model", model.toString(), "--out", exported.toString(), "--json");
            assertEquals(0, e.code(), e.err());
            try (SafetensorsFile f = SafetensorsFile.open(exported.resolve("model.safetensors"))) {
                assertEquals(Map.of(), f.metadata(), "a plain TransformerLens state dict");
                assertEquals(original.weights().stateDict().keySet(), f.tensors().keySet());
            }
            Map<String, Object> config = JSON.std.mapFrom(Files.readString(exported.resolve("config.json")));
            assertEquals(Boolean.TRUE, config.get("attn_only"));
            assertEquals(c.normalization().tlName(), config.get("normalization_type"));
            CliRun i = CliRun.of("import", "--weights", exported.resolve("model.safetensors").toString(), "--config",
                    exported.resolve("config.json").toString(), "--out", back.toString());
            assertEquals(0, i.code(), i.err());
            ModelFile reread = ModelFile.load(back);
            assertEquals(c, reread.config());
            original.weights().stateDict().forEach((name, t) -> assertArrayEquals(t.data(), reread.weights().stateDict().get(name).data(), name));
            assertArrayEquals(logits(CliRun.of("run", "--model", model.toString(), "--tokens", "1 2 3 4 5 6", "--json")),
                    logits(CliRun.of("run", "--model", back.toString(), "--tokens", "1 2 3 4 5 6", "--json")));
        }
    }
}
