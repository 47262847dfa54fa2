package org.vecformer.cli.command.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.patching.ActivationPatching;
import org.vecformer.model.patching.AttributionPatching;
import org.vecformer.model.patching.Metric;
import org.vecformer.model.patching.PatchRuns;
import org.vecformer.model.patching.PathPatching;
import org.vecformer.model.patching.Site;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.HookPoints;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/** {@code vecformer cache} and {@code vecformer patch}, in process, against the model's own runs and patching. */
class PatchCommandsTest {
    private static final int[] CLEAN = {3, 1, 4, 1, 5, 6, 2}, CORRUPT = {3, 1, 0, 1, 5, 6, 2};

    @TempDir
    static Path dir;

    static Path file;
    static Weights weights;

    @BeforeAll
    static void model() throws IOException {
        weights = Weights.init(Config.of(2, 16, 2, 8, 10, 7), 3, 0.5);
        file = dir.resolve("m.safetensors");
        new ModelFile(weights, Optional.empty()).save(file);
    }

    private static String ids(int[] t) {
        StringBuilder s = new StringBuilder();
        for (int x : t) s.append(s.isEmpty() ? "" : " ").append(x);
        return s.toString();
    }

    /** The error line without the program name. */
    /** The one error line without its "vecformer: " prefix and its usage hint; asserts it is the only line. */
    private static String line(CliRun run) {
        assertEquals(1, run.err().lines().count(), run.err());
        String line = run.err().lines().findFirst().orElse("").replaceFirst("^vecformer: ", "");
        return run.code() == 2 ? line.replaceFirst(" \\(vecformer patch --help\\)$", "") : line;
    }

    private static CliRun patch(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("patch", "--model", file.toString(), "--clean-tokens", ids(CLEAN),
                "--corrupt-tokens", ids(CORRUPT), "--answer", "4", "--wrong", "0"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void cacheWritesEveryHookPointInTransformerLensNamesAndShapes() throws IOException {
        Path out = dir.resolve("cache.safetensors");
        CliRun run = CliRun.of("cache", "--model", file.toString(), "--tokens", ids(CLEAN), "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        Transformer model = new Transformer(weights);
        Map<String, Tensor> want = model.run(new int[][] {CLEAN}, Hooks.cachingAll()).cache();
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertEquals(HookPoints.names(weights.config()), List.copyOf(f.tensors().keySet()));
            for (String name : f.tensors().keySet()) {
                Tensor got = f.tensor(name);
                assertArrayEquals(want.get(name).shape(), got.shape(), name);
                assertArrayEquals(want.get(name).data(), got.copy().data(), name);
            }
            assertEquals("[3,1,4,1,5,6,2]", f.metadata().get("tokens"));
            assertEquals(file.toAbsolutePath().normalize().toString(), f.metadata().get("model"));
        }
        assertArrayEquals(new int[] {1, 2, 7, 7}, want.get("blocks.1.attn.hook_pattern").shape());
    }

    @Test
    void cacheNamesFilterKeepsTheMatchingHookPoints() throws IOException {
        Path out = dir.resolve("patterns.safetensors");
        CliRun run = CliRun.of("cache", "--model", file.toString(), "--tokens", "1 2 3", "--names", "blocks.*.attn.hook_pattern,hook_embed",
                "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertEquals(Set.of("hook_embed", "blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern"), Set.copyOf(f.tensors().keySet()));
        }
        CliRun none = CliRun.of("cache", "--model", file.toString(), "--tokens", "1 2 3", "--names", "mlp*", "--out", out.toString());
        assertEquals(2, none.code());
        assertTrue(line(none).startsWith("no hook point matches --names 'mlp*'"), none.err());
    }

    @Test
    void patchJsonIsTheModelsPatching() throws Exception {
        CliRun run = patch("--json", "--attribution", "--site", "resid_pre,z,pattern");
        assertEquals(0, run.code(), run.err());
        Map<String, Object> all = JSON.std.mapFrom(run.out());
        PatchRuns runs = PatchRuns.of(new Transformer(weights), CLEAN, CORRUPT, new Metric(Metric.Kind.LOGIT_DIFF, 4, 0), true);
        assertEquals(runs.cleanMetric(), ((Number) all.get("clean_metric")).doubleValue(), 1e-9);
        assertEquals(runs.corruptMetric(), ((Number) all.get("corrupt_metric")).doubleValue(), 1e-9);
        Map<?, ?> sites = (Map<?, ?>) all.get("sites"), attribution = (Map<?, ?>) all.get("attribution");
        assertEquals(List.of("resid_pre", "z", "pattern"), List.copyOf(sites.keySet().stream().map(String::valueOf).toList()));
        ActivationPatching exact = new ActivationPatching(runs);
        AttributionPatching approx = new AttributionPatching(runs);
        List<?> resid = (List<?>) ((Map<?, ?>) sites.get("resid_pre")).get("raw");
        List<?> zNorm = (List<?>) ((Map<?, ?>) sites.get("z")).get("normalized");
        List<?> zAttr = (List<?>) ((Map<?, ?>) attribution.get("z")).get("raw");
        for (int l = 0; l < 2; l++) {
            for (int p = 0; p < CLEAN.length; p++) {
                assertEquals(exact.residual(Site.RESID_PRE, l, p), ((Number) ((List<?>) resid.get(l)).get(p)).doubleValue(), 1e-9);
            }
            for (int h = 0; h < 2; h++) {
                assertEquals(runs.normalize(exact.head(Site.Z, l, h, -1)), ((Number) ((List<?>) zNorm.get(l)).get(h)).doubleValue(), 1e-9);
                assertEquals(approx.estimate(Site.Z, false).at(l, h), ((Number) ((List<?>) zAttr.get(l)).get(h)).doubleValue(), 1e-9);
            }
        }
        assertEquals(List.of("layer", "position"), ((Map<?, ?>) sites.get("resid_pre")).get("axes"));
        // differing only at position 2, so patching that layer-0 residual restores the clean input exactly
        assertEquals(1.0, ((Number) ((List<?>) ((List<?>) ((Map<?, ?>) sites.get("resid_pre")).get("normalized")).get(0)).get(2)).doubleValue(), 0.0);
    }

    @Test
    void perPositionHeadSitesAreLayerHeadPosition() throws Exception {
        CliRun run = patch("--json", "--site", "v", "--per-position", "--metric", "logprob");
        assertEquals(0, run.code(), run.err());
        Map<String, Object> all = JSON.std.mapFrom(run.out());
        List<?> v = (List<?>) ((Map<?, ?>) ((Map<?, ?>) all.get("sites")).get("v")).get("raw");
        assertEquals(2, v.size());
        assertEquals(2, ((List<?>) v.get(0)).size());
        assertEquals(CLEAN.length, ((List<?>) ((List<?>) v.get(1)).get(1)).size());
        PatchRuns runs = PatchRuns.of(new Transformer(weights), CLEAN, CORRUPT, new Metric(Metric.Kind.LOGPROB, 4, 4), false);
        assertEquals(new ActivationPatching(runs).head(Site.V, 1, 1, 3), ((Number) ((List<?>) ((List<?>) v.get(1)).get(1)).get(3)).doubleValue(), 1e-9);
    }

    @Test
    void pathPatchingPrintsTheModelsPathEffect() throws Exception {
        CliRun run = patch("--json", "--path", "0.1", "--receivers", "1.0,1.1", "--receiver-input", "k");
        assertEquals(0, run.code(), run.err());
        Map<?, ?> path = (Map<?, ?>) JSON.std.mapFrom(run.out()).get("path");
        PatchRuns runs = PatchRuns.of(new Transformer(weights), CLEAN, CORRUPT, new Metric(Metric.Kind.LOGIT_DIFF, 4, 0), false);
        double want = PathPatching.of(runs, new PathPatching.Head(0, 1), List.of(new PathPatching.Head(1, 0), new PathPatching.Head(1, 1)), Set.of(Site.K));
        assertEquals(want, ((Number) path.get("metric")).doubleValue(), 1e-9);
        assertEquals(runs.normalize(want), ((Number) path.get("normalized")).doubleValue(), 1e-9);
        CliRun text = patch("--path", "0.1", "--receivers", "1.0,1.1", "--receiver-input", "k");
        assertTrue(text.out().contains("path 0.1 -> [1.0, 1.1] (k): metric "), text.out());
    }

    @Test
    void textTablesHtmlAndPngs() throws IOException {
        Path html = dir.resolve("patch.html"), png = dir.resolve("png");
        CliRun run = patch("--site", "resid_pre,z", "--attribution", "--html", html.toString(), "--png", png.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("patched resid_pre [layer][position]"), run.out());
        assertTrue(run.out().contains("attribution estimate z [layer][head]"), run.out());
        assertTrue(run.out().contains("4→0"), "the differing position is labelled clean→corrupt: " + run.out());
        assertTrue(Files.readString(html).contains("patched resid_pre"));
        for (String f : List.of("resid_pre.png", "resid_pre_attribution.png", "z.png", "z_attribution.png")) {
            assertTrue(Files.size(png.resolve(f)) > 0, f);
        }
    }

    @Test
    void benchPatchCountsTheBlocksEachPatchResumesFrom() throws Exception {
        CliRun run = CliRun.of("bench", "patch", "--model", file.toString(), "--t", "6", "--runs", "1", "--json");
        assertEquals(0, run.code(), run.err());
        Map<String, Object> r = JSON.std.mapFrom(run.out());
        // 2 layers, 2 heads, T = 6: a patch in layer l runs blocks l..1, so Σ_l (2 heads + 6 positions)·(2 − l)
        assertEquals((2 + 6) * (2 + 1), ((Number) r.get("layer_forwards")).intValue());
        assertEquals((2 * 2 + 2 * 6) * 2, ((Number) r.get("naive_layer_forwards")).intValue());
        assertTrue(((Number) r.get("attribution_ms")).doubleValue() > 0);
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        Map<List<String>, String> cases = Map.of(
                List.of("--site", "mlp_out"), "unknown patching site 'mlp_out': choose from resid_pre, attn_out, z, pattern, v, q, k",
                List.of("--path", "2.0", "--receivers", "1.0"), "head 2.0: layer 2 is outside [0, 2)",
                List.of("--path", "0.5", "--receivers", "1.0"), "head 0.5: head 5 is outside [0, 2)",
                List.of("--metric", "kl"), "--metric must be logit-diff or logprob, not 'kl'");
        cases.forEach((extra, message) -> {
            CliRun run = patch(extra.toArray(String[]::new));
            assertEquals(2, run.code(), extra.toString());
            assertEquals(message, line(run), extra.toString());
        });
        CliRun lengths = CliRun.of("patch", "--model", file.toString(), "--clean-tokens", "1 2 3", "--corrupt-tokens", "1 2",
                "--answer", "1", "--wrong", "2");
        assertEquals(2, lengths.code());
        assertEquals("the clean prompt has 3 tokens and the corrupted one 2: give prompts of the same length", line(lengths));
        CliRun vocab = CliRun.of("patch", "--model", file.toString(), "--clean-tokens", "1 2 3", "--corrupt-tokens", "1 2 4",
                "--answer", "7", "--wrong", "2");
        assertEquals(2, vocab.code());
        assertTrue(line(vocab).startsWith("--answer: "), vocab.err());
        CliRun tooLong = CliRun.of("patch", "--model", file.toString(), "--clean-tokens", "1 2 3 4 5 6 1 2 3 4 5", "--corrupt-tokens",
                "1 2 3 4 5 6 1 2 3 4 4", "--answer", "1", "--wrong", "2");
        assertEquals(2, tooLong.code());
        assertEquals("the prompt has 11 tokens but the model's context is n_ctx = 10", line(tooLong));
        assertFalse(vocab.err().contains("Exception"), vocab.err());
        CliRun twoTokens = CliRun.of("patch", "--model", file.toString(), "--clean", "1 2 3", "--corrupt", "1 2 4", "--answer", "1 2", "--wrong", "2");
        assertEquals(2, twoTokens.code());
        assertEquals("--answer '1 2' is 2 tokens in this model's tokenizer: give exactly one", line(twoTokens));
        CliRun mixed = CliRun.of("patch", "--model", file.toString(), "--clean", "1 2 3", "--corrupt-tokens", "1 2 4", "--answer", "1", "--wrong", "2");
        assertEquals(2, mixed.code());
        assertEquals("give either --clean-tokens and --corrupt-tokens, or --clean and --corrupt", line(mixed));
    }
}
