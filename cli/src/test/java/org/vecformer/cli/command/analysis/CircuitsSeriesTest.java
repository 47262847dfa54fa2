package org.vecformer.cli.command.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/**
 * {@code train --save-every} and {@code circuits --series}: a short seeded induction run (400 steps, a snapshot every
 * 50) whose series must show induction forming — the in-context learning score falling well below zero and the best
 * head's induction score rising — and the refusals of a bad series.
 */
class CircuitsSeriesTest {
    @TempDir
    static Path dir;

    private static Path snapshots;

    @BeforeAll
    static void train() {
        CliRun r = CliRun.of("train", "--task", "induction", "--ctx", "32", "--vocab", "32", "--d-model", "32", "--heads", "2", "--batch", "16",
                "--lr", "5e-3", "--steps", "400", "--save-every", "50", "--seed", "1", "--out", dir.resolve("ind.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        snapshots = dir.resolve("ind.snapshots");
    }

    @Test
    void snapshotsAreNamedByTokensSeen() throws IOException {
        try (var files = Files.list(snapshots)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            // step s has seen s · batch 16 · n_ctx 32 tokens; step 0 is the initial model
            List<String> expected = IntStream.rangeClosed(0, 8).mapToObj(k -> "tokens_" + (k * 50L * 16 * 32) + ".safetensors").sorted().toList();
            assertEquals(expected, names);
        }
        // the last snapshot is the final model
        assertEquals(ModelFile.load(dir.resolve("ind.safetensors")).weights().stateDict().get("blocks.1.attn.W_Q").get(0, 0, 0),
                ModelFile.load(snapshots.resolve("tokens_204800.safetensors")).weights().stateDict().get("blocks.1.attn.W_Q").get(0, 0, 0));
    }

    @SuppressWarnings("unchecked")
    @Test
    void theSeriesShowsInductionForming() throws IOException {
        Path html = dir.resolve("series.html"), png = dir.resolve("png");
        CliRun r = CliRun.of("circuits", "--series", snapshots.toString(), "--batch", "8", "--json", "--html", html.toString(), "--png", png.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> all = JSON.std.mapFrom(r.out());
        List<Map<String, Object>> rows = (List<Map<String, Object>>) all.get("snapshots");
        assertEquals(9, rows.size());
        assertEquals(0L, ((Number) rows.getFirst().get("tokens")).longValue());
        double iclFirst = icl(rows.getFirst()), iclLast = icl(rows.getLast());
        assertTrue(Math.abs(iclFirst) < 0.2 && iclLast < -0.3, "in-context learning score " + iclFirst + " -> " + iclLast);
        double indFirst = maxInduction(rows.getFirst()), indLast = maxInduction(rows.getLast());
        assertTrue(indLast > indFirst + 0.04, "best induction score " + indFirst + " -> " + indLast);
        assertTrue(String.valueOf(all.get("heads_note")).contains("no --data"), String.valueOf(all.get("heads_note")));
        String page = Files.readString(html);
        assertTrue(page.contains("tokens seen") && page.contains("In-context learning score"), "html report");
        for (String f : List.of("induction.png", "previous_token.png", "icl.png")) assertTrue(Files.size(png.resolve(f)) > 1000, f);

        CliRun text = CliRun.of("circuits", "--series", snapshots.toString(), "--batch", "8");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("index 30") && text.out().contains("index 3 "), text.out());
    }

    /** Held-out ids (a model without a text tokenizer reads ids) give the text scores; an id past d_vocab is one line, exit 1. */
    @Test
    void heldOutIdsGiveTextScoresAndAForeignVocabularyIsRefused() throws IOException {
        SplittableRandom rnd = new SplittableRandom(4);
        Path ids = dir.resolve("held.txt");
        Files.writeString(ids, IntStream.range(0, 400).mapToObj(i -> Integer.toString(rnd.nextInt(32))).collect(Collectors.joining(" ")));
        CliRun r = CliRun.of("circuits", "--series", snapshots.toString(), "--batch", "4", "--data", ids.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(repeated held-out text)") && r.out().contains("(repeated random tokens)"), r.out());

        Path foreign = dir.resolve("foreign.txt");
        Files.writeString(foreign, "1 2 3 40 " + Files.readString(ids));
        CliRun bad = CliRun.of("circuits", "--series", snapshots.toString(), "--data", foreign.toString());
        assertEquals(1, bad.code(), bad.err());
        assertTrue(bad.err().contains("token id 40") && bad.err().contains("d_vocab is 32"), bad.err());
        assertEquals(1, bad.err().strip().lines().filter(l -> !l.startsWith("WARNING") && !l.startsWith("scoring")).count(), bad.err());
    }

    @Test
    void emptyFolderAndMixedConfigsAreOneLineErrors() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRun r = CliRun.of("circuits", "--series", empty.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("holds no snapshots named tokens_<T>.safetensors"), r.err());

        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        new ModelFile(Weights.init(Config.of(2, 16, 2, 8, 16, 32), 1), Optional.empty()).save(mixed.resolve("tokens_0.safetensors"));
        new ModelFile(Weights.init(Config.of(2, 16, 2, 8, 16, 48), 1), Optional.empty()).save(mixed.resolve("tokens_512.safetensors"));
        CliRun m = CliRun.of("circuits", "--series", mixed.toString());
        assertEquals(1, m.code(), m.err());
        assertTrue(m.err().contains("mixes configs") && m.err().contains("tokens_512.safetensors"), m.err());

        Files.writeString(mixed.resolve("tokens_1024.pth"), "");
        CliRun pth = CliRun.of("circuits", "--series", mixed.toString());
        assertEquals(2, pth.code(), pth.err());
        assertTrue(pth.err().contains("give their --config"), pth.err());

        CliRun orphan = CliRun.of("train", "--task", "induction", "--snapshots", dir.resolve("s").toString(), "--out", dir.resolve("o.safetensors").toString());
        assertEquals(2, orphan.code(), orphan.err());
        assertTrue(orphan.err().contains("give --save-every too"), orphan.err());

        CliRun both = CliRun.of("circuits", "--series", mixed.toString(), "--vocab-limit", "8");
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("go with --model, not --series"), both.err());

        CliRun neither = CliRun.of("circuits");
        assertEquals(2, neither.code(), neither.err());
        assertTrue(neither.err().contains("--model FILE (or --series DIR"), neither.err());
    }

    /** Hub-style {@code tokens_<N>.pth} with --config score as the model files {@code vecformer import} makes of them. */
    @Test
    void hubCheckpointsScoreAsTheirImports() throws IOException {
        Path fixture = Path.of("..", "model", "src", "test", "resources", "tl", "LN-standard-f32"); // make_fixtures.py
        Path hub = Files.createDirectories(dir.resolve("hub")), ours = Files.createDirectories(dir.resolve("imported"));
        Files.copy(fixture.resolve("model_final.pth"), hub.resolve("tokens_0.pth"));
        Files.copy(fixture.resolve("model_views.pth"), hub.resolve("tokens_4096.pth"));
        for (String[] f : new String[][] {{"model_final.pth", "tokens_0.safetensors"}, {"model_views.pth", "tokens_4096.safetensors"}}) {
            CliRun imp = CliRun.of("import", "--weights", fixture.resolve(f[0]).toString(), "--config", fixture.resolve("config.json").toString(),
                    "--out", ours.resolve(f[1]).toString());
            assertEquals(0, imp.code(), imp.err());
        }
        CliRun a = CliRun.of("circuits", "--series", hub.toString(), "--config", fixture.resolve("config.json").toString(), "--json");
        CliRun b = CliRun.of("circuits", "--series", ours.toString(), "--json");
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        Map<String, Object> ja = JSON.std.mapFrom(a.out()), jb = JSON.std.mapFrom(b.out());
        List<?> ra = (List<?>) ja.get("snapshots"), rb = (List<?>) jb.get("snapshots");
        assertEquals(2, ra.size());
        for (int i = 0; i < 2; i++) {
            Map<?, ?> x = (Map<?, ?>) ra.get(i), y = (Map<?, ?>) rb.get(i);
            assertEquals(y.get("tokens"), x.get("tokens"));
            for (String key : List.of("induction", "previous_token", "icl")) assertEquals(y.get(key), x.get(key), key);
        }
    }

    private static double icl(Map<String, Object> row) {
        return ((Number) ((Map<?, ?>) row.get("icl")).get("score")).doubleValue();
    }

    private static double maxInduction(Map<String, Object> row) {
        double best = Double.NEGATIVE_INFINITY;
        for (Object layer : (List<?>) row.get("induction")) for (Object v : (List<?>) layer) best = Math.max(best, ((Number) v).doubleValue());
        return best;
    }
}
