package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.transformer.PositionalEmbedding;

/**
 * {@code vecformer demo --text}: on the license texts of the tokenizer fixtures, split into documents, with explicit
 * step counts (hidden --steps) and a tiny shape, so it checks the plumbing and the report's shapes, not the learning.
 */
class TextDemoTest {
    private static final Path TEXT = TrainTextBpeTest.FIXTURES.resolve("train.txt");
    private static final String[] TINY = {"--vocab", "300", "--d-model", "16", "--heads", "2", "--ctx", "16", "--batch", "4", "--threads", "1"};

    @TempDir
    Path dir;

    @RegisterExtension
    final TempCache cache = new TempCache();

    private CliRun demo(String... args) {
        return CliRun.of("demo", TINY, args);
    }

    /** train.txt cut into documents of 40 lines, so the cache holds out whole documents and the held-out part is not empty. */
    private Path corpus() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        List<String> lines = Files.readAllLines(TEXT);
        for (int i = 0, doc = 0; i < lines.size(); i += 40, doc++) {
            Files.write(corpus.resolve(String.format("doc%02d.txt", doc)), lines.subList(i, Math.min(lines.size(), i + 40)));
        }
        return corpus;
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesReportSummaryAndChartsWithTokenStrings() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = demo("--text", corpus().toString(), "--out", out.toString(), "--steps", "3,3,8", "--json");
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("report.html", "summary.json", "tokenizer.json", "png/induction.png", "png/previous_token.png", "png/icl.png",
                "text-0-layer.safetensors", "text-1-layer.safetensors", "text-2-layer.safetensors")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Map<String, Object> summary = JSON.std.mapFrom(r.out());
        assertEquals(summary, JSON.std.mapFrom(Files.readString(out.resolve("summary.json"))));
        assertEquals(List.of(3, 3, 8), summary.get("steps"));
        assertEquals("shortformer", ((Map<String, Object>) summary.get("config")).get("positional_embedding_type"));
        assertEquals(PositionalEmbedding.SHORTFORMER, ModelFile.load(out.resolve("text-2-layer.safetensors")).config().positionalEmbedding());
        BpeTokenizer tok = BpeTokenizer.fromJson(Files.readString(out.resolve("tokenizer.json")));
        assertEquals(300, tok.vocabSize());
        // the models carry the tokenizer, so run/generate/circuits on them read text
        assertEquals(tok.toJson(), ((BpeTokenizer) ModelFile.load(out.resolve("text-2-layer.safetensors")).storedTokenizer().orElseThrow()).toJson());

        // the bigram table: rows of the most frequent tokens, each with its 3 likeliest next tokens as text
        List<Map<String, Object>> bigrams = (List<Map<String, Object>>) ((Map<String, Object>) summary.get("bigram")).get("rows");
        assertEquals(TextDemo.TOP, bigrams.size());
        boolean word = false;
        for (Map<String, Object> b : bigrams) {
            assertEquals(tok.piece(((Number) b.get("current_id")).intValue()), b.get("current"));
            List<Number> ids = (List<Number>) b.get("next_ids"), p = (List<Number>) b.get("probability");
            List<String> next = (List<String>) b.get("next");
            assertEquals(TextDemo.NEXT, ids.size());
            double sum = 0;
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(tok.piece(ids.get(i).intValue()), next.get(i));
                if (i > 0) assertTrue(p.get(i).doubleValue() <= p.get(i - 1).doubleValue(), "likeliest first");
                sum += p.get(i).doubleValue();
            }
            assertTrue(sum > 0 && sum <= 1 + 1e-9, "probabilities of one row: " + p);
            word |= ((String) b.get("current")).matches(".*[a-z].*");
        }
        assertTrue(word, "the rows are text: " + bigrams);

        Map<String, Object> one = (Map<String, Object>) summary.get("skip_trigram");
        List<Map<String, Object>> trigrams = (List<Map<String, Object>>) one.get("top");
        assertEquals(TextDemo.TOP, trigrams.size());
        for (Map<String, Object> t : trigrams) {
            for (String k : List.of("source", "destination", "output")) assertEquals(tok.piece(((Number) t.get(k + "_id")).intValue()), t.get(k));
        }
        List<Map<String, Object>> words = (List<Map<String, Object>>) one.get("top_words");
        assertTrue(!words.isEmpty() && words.size() <= TextDemo.TOP, "skip-trigrams among words: " + words);
        double previousOv = Double.POSITIVE_INFINITY;
        for (Map<String, Object> t : words) {
            for (String k : List.of("source", "destination", "output")) {
                String text = tok.decode(((Number) t.get(k + "_id")).intValue());
                assertTrue(text.matches(" [a-zA-Z]{2,}"), k + " starts a word: '" + text + "'");
            }
            double ov = ((Number) t.get("ov")).doubleValue();
            assertTrue(ov <= previousOv, "strongest first");
            previousOv = ov;
        }
        assertHeads((List<Map<String, Object>>) one.get("heads"), 2);

        Map<String, Object> two = (Map<String, Object>) summary.get("induction");
        assertHeads((List<Map<String, Object>>) two.get("heads"), 4);
        List<Map<String, Object>> series = (List<Map<String, Object>>) two.get("series");
        assertEquals(9, series.size(), "the initial weights and every one of 8 steps (8 / SNAPSHOTS = 1 step apart)");
        double best = 0;
        for (int i = 0; i < series.size(); i++) {
            Map<String, Object> p = series.get(i);
            assertEquals((long) i * 4 * 16, ((Number) p.get("tokens")).longValue(), "tokens seen = step x batch x n_ctx");
            List<List<Number>> induction = (List<List<Number>>) p.get("induction");
            assertEquals(2, induction.size());
            for (List<Number> layer : induction) {
                assertEquals(2, layer.size());
                for (Number x : layer) best = Math.max(best, x.doubleValue());
            }
            assertTrue(Double.isFinite(((Number) p.get("icl_score")).doubleValue()));
        }
        assertTrue(best < TextDemo.HEAD_THRESHOLD, "8 steps on 20 KB form no induction head: " + best);
        assertEquals(false, two.get("induction_formed"));
        assertEquals(best, ((Number) ((Map<String, Object>) two.get("best_induction")).get("score")).doubleValue(), 1e-12);
        String sentence = String.format(java.util.Locale.ROOT, "No induction head formed in %,d tokens seen: the best induction score on repeated held-out text was %.3f",
                8L * 4 * 16, best);
        assertTrue(r.err().contains(sentence), r.err());
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains(sentence.replace("'", "\\u0027")) || report.contains(sentence), "the report states it too");
        for (String section : List.of("1. Zero layers", "The bigram table of the zero-layer model in the rows of the 16 most frequent tokens", "Strongest skip-trigrams of the one-layer model", "that are whole words",
                "Head scores of the one-layer model", "Head scores of the two-layer model", "Induction score per head (repeated held-out text)",
                "Previous-token score per head (held-out text)", "In-context learning score", "Loss of the 2-layer model")) {
            assertTrue(report.contains(section), section);
        }
        for (String line : List.of("== tokenizer: byte-level BPE, 300 tokens ==", "== 0-layer model on ", "== 1-layer model on ", "== 2-layer model on ",
                "training 2-layer d_model 16, 2 heads of 8, n_ctx 16 (shortformer positions), d_vocab 300", "step 8/8")) {
            assertTrue(r.err().contains(line), line + " in:\n" + r.err());
        }
    }

    /**
     * Two paths, a folder of the documents of train.txt's first 440 lines (and a binary file, skipped with one
     * warning) and one file of the rest, are one corpus: the tokenizer is the one {@code tokenizer train} makes from
     * both, the token cache holds every document of both, and the summary and report name both.
     */
    @Test
    @SuppressWarnings("unchecked")
    void trainsTheTokenizerAndTheModelsOnEveryPath() throws IOException {
        List<String> lines = Files.readAllLines(TEXT);
        Path folder = Files.createDirectories(dir.resolve("first"));
        for (int i = 0, doc = 0; i < 440; i += 40, doc++) Files.write(folder.resolve(String.format("doc%02d.txt", doc)), lines.subList(i, i + 40));
        Path rest = Files.write(dir.resolve("rest.txt"), lines.subList(440, lines.size()));
        Files.write(folder.resolve("zz.bin"), new byte[] {1, 0, 2});
        Path out = dir.resolve("out"), tokenizer = dir.resolve("both.json");
        CliRun r = demo("--text", folder.toString(), rest.toString(), "--out", out.toString(), "--steps", "1,1,2", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("vecformer: warning: skipped 1 file")).count(),
                "the tokenizer and the token cache share one scan, and one warning: " + r.err());

        CliRun trained = CliRun.of("tokenizer", "train", "--data", folder.toString(), rest.toString(), "--vocab", "300", "--threads", "1", "--out", tokenizer.toString());
        assertEquals(0, trained.code(), trained.err());
        assertEquals(Files.readString(tokenizer), Files.readString(out.resolve("tokenizer.json")));

        BpeTokenizer tok = BpeTokenizer.fromJson(Files.readString(tokenizer));
        long tokens = 0;
        List<Path> documents = new java.util.ArrayList<>();
        try (var files = Files.list(folder)) {
            documents.addAll(files.filter(f -> !f.toString().endsWith(".bin")).sorted().toList());
        }
        documents.add(rest);
        for (Path d : documents) tokens += 1 + tok.encode(Files.readString(d)).length;
        Map<String, Object> summary = JSON.std.mapFrom(r.out());
        List<String> names = List.of(folder.toString(), rest.toString());
        assertEquals(names, summary.get("text"));
        Map<String, Object> corpus = (Map<String, Object>) summary.get("corpus");
        assertEquals(names, corpus.get("paths"));
        assertEquals(12, ((Number) corpus.get("documents")).intValue());
        assertEquals(tokens, ((Number) corpus.get("tokens")).longValue(), "a BOS and the ids of each of the 12 documents");
        assertTrue(r.err().contains("== 2-layer model on " + folder + ", " + rest + " =="), r.err());
        assertTrue(Files.readString(out.resolve("report.html")).contains("attention-only models on " + folder + ", " + rest), "the report's subtitle");
    }

    /** Eight evenly spaced snapshots, and three more in the first eighth of the run, at halvings of its spacing. */
    @Test
    void snapshotsAreEvenlySpacedWithThreeMoreEarly() {
        int steps = 74_450, every = steps / 8;
        List<Integer> expected = new java.util.ArrayList<>(List.of(every / 8, every / 4, every / 2));
        for (int k = 1; k <= 8; k++) expected.add(k * every);
        java.util.function.IntPredicate at = TextDemo.snapshotAt(steps);
        assertEquals(expected, java.util.stream.IntStream.rangeClosed(1, steps).filter(at).boxed().toList());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), java.util.stream.IntStream.rangeClosed(1, 8).filter(TextDemo.snapshotAt(8)).boxed().toList());
    }

    private static void assertHeads(List<Map<String, Object>> heads, int count) {
        assertEquals(count, heads.size());
        for (Map<String, Object> h : heads) {
            double copying = ((Number) h.get("copying_score")).doubleValue();
            assertTrue(copying >= -1 && copying <= 1, "copying score " + copying);
            for (String k : List.of("prev_token_text", "induction_text", "prev_token_random", "induction_random")) {
                double v = ((Number) h.get(k)).doubleValue();
                assertTrue(v >= 0 && v <= 1, k + " " + v);
            }
        }
    }

    @Test
    void onlySlowerRunsScaleTheNextRunsTiming() {
        // 1,000 steps timed at 10 ms: 15 s measured is a machine 1.5x busier; 6.3 s is a timing that read slow (a compile
        // fell into it), which must not shrink the next shape's seconds per step and so stretch its run past the budget
        assertEquals(1.5, TextDemo.load(15, 1000, 0.010), 1e-12);
        assertEquals(1.0, TextDemo.load(6.3, 1000, 0.010), 1e-12);
    }

    @Test
    void refusesMissingEmptyAndBinaryTextInOneLineWithoutWriting() throws IOException {
        Path out = dir.resolve("out");
        Path empty = Files.createDirectories(dir.resolve("empty")), binary = Files.createDirectories(dir.resolve("binary"));
        Files.write(binary.resolve("blob.bin"), new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xFE, 0});
        Path emptyFile = Files.write(dir.resolve("nothing.txt"), new byte[0]);
        for (var c : List.of(List.of(dir.resolve("missing").toString(), "no such file or directory"), List.of(empty.toString(), "the corpus is empty: no files"),
                List.of(binary.toString(), "the corpus is empty: 1 file, not UTF-8 text"), List.of(emptyFile.toString(), "is empty"))) {
            CliRun r = demo("--text", c.get(0), "--out", out.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(c.get(1)), r.err());
            assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("vecformer: warning")).count(), r.err());
            assertFalse(Files.exists(out), "nothing written");
        }
        CliRun missing = demo("--text", corpus().toString(), dir.resolve("missing").toString(), "--out", out.toString());
        assertEquals(2, missing.code(), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("vecformer: --text " + dir.resolve("missing") + ": no such file or directory"), missing.err());
        assertFalse(Files.exists(out), "nothing written");
        CliRun r = CliRun.of("demo", "--minutes", "1", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("go with --text PATH"), r.err());
        r = CliRun.of("demo", "--text", corpus().toString(), "--d-model", "16", "--heads", "3", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--d-model 16 must be a positive multiple of --heads 3"), r.err());
        r = CliRun.of("demo", "--text", corpus().toString(), "--positional", "rotary", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--positional must be standard or shortformer, not \"rotary\""), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }
}
