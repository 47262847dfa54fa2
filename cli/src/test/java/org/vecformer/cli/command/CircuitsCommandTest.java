package org.vecformer.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
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
    void circuitsJsonHasEveryHeadAndCompositionArraysOfShapeLHLH() throws IOException {
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
                            assertEquals(want.of(kind)[l1][h1][l2][h2], ((Number) row.get(h2)).doubleValue(), 1e-12);
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
        for (String s : List.of("Head scores", "Q-composition", "K-composition", "V-composition", "fold_ln", "Direct path",
                "Positional QK circuit of L0H0", "Positional QK circuit of L1H2")) {
            assertTrue(text.contains(s), s);
        }
        List<String> files = new ArrayList<>();
        try (var list = Files.list(png)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        for (String f : List.of("L0H0.png", "L1H2.png", "positional-L0H0.png", "positional-L1H2.png", "composition-q.png", "composition-k.png",
                "composition-v.png")) {
            assertTrue(files.contains(f), f + " in " + files);
        }
        assertEquals(6 + 6 + 3, files.size());
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
