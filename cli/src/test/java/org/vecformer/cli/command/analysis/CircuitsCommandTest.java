package org.vecformer.cli.command.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.circuits.CircuitWeights;
import org.vecformer.model.circuits.Circuits;
import org.vecformer.model.circuits.Composition;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Weights;

/** {@code vecformer circuits} and {@code vecformer attention}, in process, on small random models. */
class CircuitsCommandTest {
    @TempDir
    static Path dir;

    static Path twoLayer, oneLayer;
    static ModelFile twoLayerModel;

    @BeforeAll
    static void models() throws IOException {
        twoLayerModel = new ModelFile(Weights.init(Config.of(2, 16, 3, 4, 12, 9), 5, 0.5), Optional.empty());
        twoLayer = dir.resolve("two.safetensors");
        twoLayerModel.save(twoLayer);
        CharTokenizer abc = CharTokenizer.fromText("abc d\n");
        oneLayer = dir.resolve("one.safetensors");
        new ModelFile(Weights.init(Config.of(1, 16, 2, 4, 10, abc.vocabSize()), 6, 0.5), Optional.of(abc)).save(oneLayer);
    }

    @Test
    void circuitsJsonHasEveryHeadAndCompositionArraysOfShapeLHLHWithNullForImpossiblePairs() throws IOException {
        CliRun r = CliRun.of("circuits", "--model", twoLayer.toString(), "--json", "--top-k", "3");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> all = JSON.std.mapFrom(r.out());
        Circuits circuits = new Circuits(CircuitWeights.of(twoLayerModel.weights()));
        List<?> heads = (List<?>) all.get("heads");
        assertEquals(6, heads.size());
        for (Object o : heads) {
            Map<?, ?> h = (Map<?, ?>) o;
            for (String key : List.of("layer", "head", "copying_score", "prev_token_score", "duplicate_token_score", "induction_score")) {
                assertTrue(h.containsKey(key), key + " in " + h);
            }
            int l = ((Number) h.get("layer")).intValue(), hd = ((Number) h.get("head")).intValue();
            assertEquals(circuits.copyingScore(l, hd), ((Number) h.get("copying_score")).doubleValue(), 1e-12);
            for (String key : List.of("prev_token_score", "duplicate_token_score", "induction_score")) {
                double s = ((Number) h.get(key)).doubleValue();
                assertTrue(s >= 0 && s <= 1, key + " " + s);
            }
        }
        Composition want = Composition.of(circuits);
        Map<?, ?> comp = (Map<?, ?>) all.get("composition");
        for (Composition.Kind kind : Composition.Kind.values()) {
            List<?> s = (List<?>) comp.get(kind.name().toLowerCase());
            assertEquals(2, s.size());
            for (int l1 = 0; l1 < 2; l1++) {
                List<?> byHead = (List<?>) s.get(l1);
                assertEquals(3, byHead.size());
                for (int h1 = 0; h1 < 3; h1++) {
                    List<?> later = (List<?>) byHead.get(h1);
                    assertEquals(2, later.size());
                    for (int l2 = 0; l2 < 2; l2++) {
                        List<?> row = (List<?>) later.get(l2);
                        assertEquals(3, row.size());
                        for (int h2 = 0; h2 < 3; h2++) {
                            if (l2 > l1) {
                                assertEquals(want.of(kind)[l1][h1][l2][h2], ((Number) row.get(h2)).doubleValue(), 1e-12);
                            } else {
                                assertEquals(null, row.get(h2), "no composition into a head that is not in a later layer");
                            }
                        }
                    }
                }
            }
        }
        assertEquals(want.baseline(), ((Number) comp.get("baseline")).doubleValue(), 1e-12);
        assertEquals(6, ((List<?>) all.get("top_entries")).size());
        assertEquals(3, ((List<?>) all.get("virtual_heads")).size());
    }

    /** Circuits are searched in parallel, one per thread: the answer must not depend on the thread count. */
    @Test
    void theAnalysisIsTheSameForAnyThreadCountAndVerboseShowsThePhaseTimes() throws IOException {
        int saved = Parallel.threads();
        try {
            for (Path model : List.of(twoLayer, oneLayer)) {
                CliRun one = CliRun.of("circuits", "--model", model.toString(), "--json", "--threads", "1");
                CliRun three = CliRun.of("circuits", "--model", model.toString(), "--json", "--threads", "3", "--verbose");
                assertEquals(0, one.code(), one.err());
                assertEquals(0, three.code(), three.err());
                assertEquals(JSON.std.mapFrom(one.out()), JSON.std.mapFrom(three.out()), model.toString());
                assertTrue(!one.err().contains("time:"), "a short run without --verbose prints no times: " + one.err());
                String times = three.err().lines().filter(l -> l.startsWith("time: ")).findFirst().orElse("");
                for (String phase : List.of("load", "fold", "copying", "head scores", "composition", "top-k", "virtual heads", "output", "total")) {
                    assertTrue(times.contains(phase + " ") || times.contains("(" + phase + " "), phase + " in " + three.err());
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void circuitsTextSaysWhatWasFoldedAndShowsHeadsCompositionsAndEntries() {
        CliRun r = CliRun.of("circuits", "--model", twoLayer.toString());
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("fold_ln", "L1H2", "strongest compositions", "baseline", "top QK entries", "virtual heads")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
        CliRun one = CliRun.of("circuits", "--model", oneLayer.toString(), "--top-k", "2");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains("top skip-trigrams"), one.out());
        assertTrue(!one.out().contains("strongest compositions"), "no composition in a one-layer model");
    }

    /** QK/OV entries of a small random model are ~1e-2: printed with 3 significant digits, not rounded to 0.00. */
    @Test
    void textEntriesKeepThreeSignificantDigits() throws IOException {
        CliRun text = CliRun.of("circuits", "--model", twoLayer.toString(), "--top-k", "2");
        CliRun json = CliRun.of("circuits", "--model", twoLayer.toString(), "--top-k", "2", "--json");
        assertEquals(0, text.code(), text.err());
        List<?> top = (List<?>) JSON.std.mapFrom(json.out()).get("top_entries");
        for (Object o : top) {
            Map<?, ?> head = (Map<?, ?>) o;
            String line = text.out().lines().filter(l -> l.startsWith("  L" + head.get("layer") + "H" + head.get("head") + "  QK")).findFirst().orElseThrow();
            for (String kind : List.of("qk", "ov")) {
                for (Object e : (List<?>) head.get(kind)) {
                    double v = ((Number) ((Map<?, ?>) e).get("value")).doubleValue();
                    assertTrue(line.contains(" " + String.format(Locale.ROOT, "%.3g", v)), v + " in " + line);
                }
            }
        }
    }

    @Test
    void oneLayerJsonHasNoCompositionField() throws IOException {
        CliRun r = CliRun.of("circuits", "--model", oneLayer.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(!JSON.std.mapFrom(r.out()).containsKey("composition"), "a one-layer model has no pairs of heads to compose");
    }

    /** A zero-layer model is its direct path: circuits lists its top bigram logits and each token's most likely successor. */
    @Test
    void zeroLayerModelsShowTheDirectPathBigramTable() throws IOException {
        CharTokenizer abc = CharTokenizer.fromText("abcde");
        ModelFile zero = new ModelFile(Weights.init(Config.of(0, 16, 1, 4, 8, abc.vocabSize()), 7, 0.5), Optional.of(abc));
        Path file = dir.resolve("zero.safetensors");
        zero.save(file);
        CliRun text = CliRun.of("circuits", "--model", file.toString(), "--top-k", "3");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("direct path W_E W_U' + b_U'"), text.out());
        assertTrue(!text.out().contains("induction"), "no head table without heads: " + text.out());
        CliRun json = CliRun.of("circuits", "--model", file.toString(), "--top-k", "3", "--json");
        Map<?, ?> direct = (Map<?, ?>) JSON.std.mapFrom(json.out()).get("direct_path");
        Matrix table = new Circuits(CircuitWeights.of(zero.weights())).directPath().materialize();
        int v = abc.vocabSize();
        List<double[]> all = new ArrayList<>();
        for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) all.add(new double[] {i, j, table.get(i, j)});
        all.sort((x, y) -> Double.compare(y[2], x[2]));
        List<?> top = (List<?>) direct.get("top");
        assertEquals(3, top.size());
        for (int i = 0; i < 3; i++) {
            Map<?, ?> e = (Map<?, ?>) top.get(i);
            assertEquals((int) all.get(i)[0], ((Number) e.get("current")).intValue());
            assertEquals((int) all.get(i)[1], ((Number) e.get("next")).intValue());
            assertEquals(all.get(i)[2], ((Number) e.get("value")).doubleValue(), 1e-4);
            assertEquals(abc.decode((int) all.get(i)[0]), e.get("current_token"));
            assertEquals(abc.decode((int) all.get(i)[1]), e.get("next_token"));
            String line = "  '" + abc.decode((int) all.get(i)[0]) + "' -> '" + abc.decode((int) all.get(i)[1]) + "'  "
                    + String.format(Locale.ROOT, "%.3g", all.get(i)[2]);
            assertTrue(text.out().contains(line), line + " in\n" + text.out());
        }
        List<?> argMax = (List<?>) direct.get("row_argmax");
        for (int i = 0; i < v; i++) {
            int best = 0;
            for (int j = 1; j < v; j++) if (table.get(i, j) > table.get(i, best)) best = j;
            assertEquals(best, ((Number) argMax.get(i)).intValue(), "row " + i);
        }
    }

    @Test
    void oneLayerJsonListsSkipTrigramsPerHead() throws IOException {
        CliRun r = CliRun.of("circuits", "--model", oneLayer.toString(), "--json", "--top-k", "4");
        assertEquals(0, r.code(), r.err());
        List<?> tri = (List<?>) JSON.std.mapFrom(r.out()).get("skip_trigrams");
        assertEquals(2 * 4, tri.size());
        double last = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 4; i++) {
            double ov = ((Number) ((Map<?, ?>) tri.get(i)).get("ov")).doubleValue();
            assertTrue(ov <= last, "best OV entries first");
            last = ov;
        }
    }

    /** With a text tokenizer every id of a listed entry has its text beside it; a model of raw ids gets ids only. */
    @Test
    void jsonEntriesCarryTheTokenTextBesideTheIdsWhenTheModelHasATokenizer() throws IOException {
        CharTokenizer abc = CharTokenizer.fromText("abc d\n");
        List<?> tri = (List<?>) JSON.std.mapFrom(CliRun.of("circuits", "--model", oneLayer.toString(), "--json", "--top-k", "3").out()).get("skip_trigrams");
        for (Object o : tri) {
            Map<?, ?> t = (Map<?, ?>) o;
            for (String k : List.of("source", "destination", "output")) assertEquals(abc.decode(((Number) t.get(k)).intValue()), t.get(k + "_token"), k);
        }
        Path twoText = dir.resolve("two-text.safetensors");
        new ModelFile(Weights.init(Config.of(2, 16, 2, 4, 10, abc.vocabSize()), 8, 0.5), Optional.of(abc)).save(twoText);
        CliRun r = CliRun.of("circuits", "--model", twoText.toString(), "--json", "--top-k", "2");
        assertEquals(0, r.code(), r.err());
        List<?> heads = (List<?>) JSON.std.mapFrom(r.out()).get("top_entries");
        assertEquals(4, heads.size());
        for (Object o : heads) {
            Map<?, ?> h = (Map<?, ?>) o;
            for (var kind : List.of(List.of("qk", "destination", "source"), List.of("ov", "source", "output"))) {
                for (Object x : (List<?>) h.get(kind.get(0))) {
                    Map<?, ?> e = (Map<?, ?>) x;
                    for (String k : kind.subList(1, 3)) assertEquals(abc.decode(((Number) e.get(k)).intValue()), e.get(k + "_token"), kind.get(0) + " " + k);
                }
            }
        }
        String ids = CliRun.of("circuits", "--model", twoLayer.toString(), "--json", "--top-k", "2").out();
        assertTrue(ids.contains("\"source\"") && !ids.contains("_token\""), "a model without a tokenizer lists ids only");
    }

    /** The induction pair is the best previous-token head of layer 0 and the best induction head of layer 1, with their scores. */
    @Test
    void circuitsJsonNamesTheInductionPairWithItsCompositions() throws IOException {
        CliRun r = CliRun.of("circuits", "--model", twoLayer.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> all = JSON.std.mapFrom(r.out());
        List<?> heads = (List<?>) all.get("heads");
        int prev = 0, ind = 3;
        for (int i = 0; i < 6; i++) {
            Map<?, ?> h = (Map<?, ?>) heads.get(i);
            if (i < 3 && ((Number) h.get("prev_token_score")).doubleValue() > ((Number) ((Map<?, ?>) heads.get(prev)).get("prev_token_score")).doubleValue()) prev = i;
            if (i >= 3 && ((Number) h.get("induction_score")).doubleValue() > ((Number) ((Map<?, ?>) heads.get(ind)).get("induction_score")).doubleValue()) ind = i;
        }
        Map<?, ?> pair = (Map<?, ?>) all.get("induction_pair");
        assertEquals(Map.of("layer", 0, "head", prev), pair.get("previous_token_head"));
        assertEquals(Map.of("layer", 1, "head", ind - 3), pair.get("induction_head"));
        Composition comp = Composition.of(new Circuits(CircuitWeights.of(twoLayerModel.weights())));
        assertEquals(comp.k()[0][prev][1][ind - 3], ((Number) pair.get("k")).doubleValue(), 1e-12);
        assertEquals(comp.q()[0][prev][1][ind - 3], ((Number) pair.get("q")).doubleValue(), 1e-12);
        assertEquals(comp.v()[0][prev][1][ind - 3], ((Number) pair.get("v")).doubleValue(), 1e-12);
        CliRun text = CliRun.of("circuits", "--model", twoLayer.toString());
        assertTrue(text.out().contains("best previous-token head L0H" + prev + " "), text.out());
    }

    @Test
    void circuitsHtmlAndPngHaveEveryHeadAndEveryCompositionKind() throws IOException {
        Path html = dir.resolve("circuits.html"), png = dir.resolve("circuits-png");
        CliRun r = CliRun.of("circuits", "--model", twoLayer.toString(), "--html", html.toString(), "--png", png.toString());
        assertEquals(0, r.code(), r.err());
        Document doc = Jsoup.parse(Files.readString(html));
        assertEquals(6, doc.select("figure.head-heatmap").size());
        String text = doc.text();
        for (String s : List.of("Head scores", "Composition between heads", "fold_ln", "Direct path",
                "Positional QK circuit of L0H0", "Positional QK circuit of L1H2")) {
            assertTrue(text.contains(s), s);
        }
        List<String> files = new ArrayList<>();
        try (var list = Files.list(png)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        for (String f : List.of("L0H0.png", "L1H2.png", "positional-L0H0.png", "positional-L1H2.png", "composition.png")) {
            assertTrue(files.contains(f), f + " in " + files);
        }
        assertEquals(6 + 6 + 1, files.size());
        assertChartsShowWhatTheyClaim(doc);
    }

    /**
     * Positional QK heatmaps: every n_ctx position, the future masked, each row centred over its causal part (the
     * centred values differ by the raw circuit's differences); composition: Q, K, V as panels of one figure on one scale
     * anchored at the random baseline.
     */
    @SuppressWarnings("unchecked")
    private static void assertChartsShowWhatTheyClaim(Document doc) throws IOException {
        List<Map<String, Object>> sections = (List<Map<String, Object>>) (List<?>) JSON.std.mapFrom(doc.getElementById("report-data").data()).get("sections");
        Circuits circuits = new Circuits(CircuitWeights.of(twoLayerModel.weights()));
        int positional = 0, compositions = 0;
        for (Map<String, Object> m : sections) {
            if (!"matrix".equals(m.get("kind"))) continue;
            List<Map<String, Object>> panels = (List<Map<String, Object>>) m.get("panels");
            if ("masked (key after query)".equals(m.get("mask"))) {
                int l = positional / 3, h = positional % 3;
                positional++;
                assertEquals(Boolean.TRUE, m.get("markRowMax"));
                assertEquals("query position", m.get("rowAxis"));
                List<List<Number>> v = (List<List<Number>>) panels.get(0).get("values");
                assertEquals(12, v.size(), "all n_ctx = 12 positions");
                for (int q = 0; q < 12; q++) {
                    double[] raw = circuits.positionalQk(l, h).row(q);
                    double sum = 0;
                    for (int k = 0; k <= q; k++) {
                        sum += v.get(q).get(k).doubleValue();
                        assertEquals(raw[k] - raw[0], v.get(q).get(k).doubleValue() - v.get(q).get(0).doubleValue(), 1e-9);
                    }
                    assertEquals(0, sum, 1e-9, "row " + q + " centred over k <= q");
                }
            } else if (panels.size() == 3) {
                compositions++;
                Composition comp = Composition.of(circuits);
                assertEquals(List.of("Q-composition", "K-composition", "V-composition"), panels.stream().map(p -> p.get("name")).toList());
                assertEquals(comp.baseline(), ((Number) m.get("centre")).doubleValue(), 1e-12);
                assertEquals("random baseline", m.get("centreLabel"));
                assertEquals(0, ((Number) m.get("min")).doubleValue());
                double max = 0;
                for (Composition.Kind kind : Composition.Kind.values()) {
                    for (double[][] a : comp.of(kind)[0]) for (double x : a[1]) max = Math.max(max, x);
                }
                assertEquals(Math.max(max, 2 * comp.baseline()), ((Number) m.get("max")).doubleValue(), 1e-12, "one scale for Q, K and V");
            }
        }
        assertEquals(6, positional);
        assertEquals(1, compositions);
    }

    @Test
    void attentionGivesEveryHeadsPatternAsJsonHtmlAndPng() throws IOException {
        int[] ids = {3, 1, 4, 1, 5};
        CliRun r = CliRun.of("attention", "--model", twoLayer.toString(), "--tokens", "3 1 4 1 5", "--json");
        assertEquals(0, r.code(), r.err());
        List<?> patterns = (List<?>) JSON.std.mapFrom(r.out()).get("patterns");
        Map<String, Tensor> cache = twoLayerModel.transformer().run(new int[][] {ids}, Hooks.caching(n -> n.endsWith("hook_pattern"))).cache();
        assertEquals(2, patterns.size());
        for (int l = 0; l < 2; l++) {
            Tensor want = cache.get("blocks." + l + ".attn.hook_pattern");
            List<?> layer = (List<?>) patterns.get(l);
            assertEquals(3, layer.size());
            for (int h = 0; h < 3; h++) {
                List<?> rows = (List<?>) layer.get(h);
                assertEquals(5, rows.size());
                for (int q = 0; q < 5; q++) {
                    List<?> row = (List<?>) rows.get(q);
                    for (int k = 0; k < 5; k++) assertEquals(want.get(0, h, q, k), ((Number) row.get(k)).doubleValue(), 1e-7);
                }
            }
        }
        Path html = dir.resolve("attention.html"), png = dir.resolve("attention-png");
        CliRun report = CliRun.of("attention", "--model", oneLayer.toString(), "--prompt", "abc cab", "--html", html.toString(), "--png", png.toString());
        assertEquals(0, report.code(), report.err());
        Document doc = Jsoup.parse(Files.readString(html));
        assertEquals(2, doc.select("figure.head-heatmap").size());
        assertTrue(Files.exists(png.resolve("L0H0.png")) && Files.exists(png.resolve("L0H1.png")));
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, CliRun.of("circuits", "--model", twoLayer.toString(), "--top-k", "0").code());
        assertEquals(2, CliRun.of("circuits", "--model", twoLayer.toString(), "--repeat-length", "7").code());
        CliRun both = CliRun.of("attention", "--model", twoLayer.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--tokens"), both.err());
    }
}
