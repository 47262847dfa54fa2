package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.cli.render.Section;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.data.BigramTask;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Transformer;

class DemoCommandTest {
    @TempDir
    Path dir;

    /**
     * A few training steps per run (hidden --steps-scale): checks the plumbing and the numbers, not the learning. With
     * --json the narrative goes to standard error and the summary to standard output.
     */
    @Test
    void runsThreePartsAndWritesModelsReportPngsAndSummary() throws IOException {
        Path out = dir.resolve("demo");
        CliRun r = CliRun.of("demo", "--out", out.toString(), "--steps-scale", "0.01", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        String text = r.err();
        for (String part : List.of("== 1. zero layers", "== 2. one layer", "== 3. two layers", "mean KL(true || model)",
                "correlation of true and model log-probs", "planted skip-trigrams recovered", "model predicts C at B after A",
                "copying score per head", "previous-token head  L0H", "induction head       L1H", "previous-token heads (score >= 0.5)",
                "induction heads (score >= 0.5)", "strongest K-composition", "strongest Q-composition", "strongest V-composition",
                "random baseline", "loss on repeated halves")) {
            assertTrue(text.contains(part), "missing '" + part + "' in:\n" + text);
        }
        assertEquals(3, count(text, "what this shows:"));

        Path html = out.resolve("report.html");
        String report = Files.readString(html);
        assertEquals(8, count(report, "class=\"head-heatmap\""), "one heatmap per head of the 2x4-head model");
        for (String section : List.of("Loss of the 0-layer model on bigram data", "Loss of the 1-layer model on skip-trigram data",
                "Loss of the 2-layer model on induction data", "Planted skip-trigrams and what the model", "Copying scores",
                "Head scores of the two-layer model", "Composition between heads", "P(next | current): the true bigram table and the model")) {
            assertTrue(report.contains(section), section);
        }
        List<String> files = List.of("bigram.safetensors", "bigram.loss.csv", "skip-trigram.safetensors", "skip-trigram.loss.csv",
                "induction.safetensors", "induction.loss.csv", "report.html", "png/L0H0.png", "png/L1H3.png", "png/composition.png",
                "summary.json");
        for (String f : files) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
            assertTrue(text.contains(out.resolve(f).toString()), "listing names " + f);
        }

        // The printed KL is the KL of the saved zero-layer model's next-token table against the task's chain.
        Transformer zero = ModelFile.load(out.resolve("bigram.safetensors")).transformer();
        BigramChain chain = BigramTask.random(16, 64, 0.5, 1).chain();
        float[] table = new float[16 * 16];
        for (int a = 0; a < 16; a++) {
            float[] logits = zero.forward(new int[] {a}).copy().data();
            double sum = 0;
            for (float z : logits) sum += Math.exp(z);
            for (int b = 0; b < 16; b++) table[a * 16 + b] = (float) (Math.exp(logits[b]) / sum);
        }
        Matcher kl = Pattern.compile("mean KL\\(true \\|\\| model\\)\\s+([0-9.]+) nats").matcher(text);
        assertTrue(kl.find(), text);
        assertEquals(String.format(Locale.ROOT, "%.4f", chain.meanKl(table)), kl.group(1));

        Map<String, Object> summary = JSON.std.mapFrom(r.out());
        assertEquals(summary, JSON.std.mapFrom(Files.readString(out.resolve("summary.json"))), "printed == written summary");
        assertEquals(chain.meanKl(table), ((Number) ((Map<?, ?>) summary.get("bigram")).get("mean_kl")).doubleValue(), 1e-12);
        Map<?, ?> induction = (Map<?, ?>) summary.get("induction");
        Map<?, ?> prev = (Map<?, ?>) induction.get("previous_token_head"), ind = (Map<?, ?>) induction.get("induction_head");
        assertTrue(text.contains("previous-token head  L0H" + prev.get("head")), text);
        assertTrue(text.contains("induction head       L1H" + ind.get("head")), text);
        assertEquals(8, ((List<?>) induction.get("heads")).size(), "one row per head of the 2x4-head model");
        Map<?, ?> skip = (Map<?, ?>) summary.get("skip_trigram");
        assertEquals(4, ((List<?>) skip.get("copying_scores")).size());
        List<?> planted = (List<?>) skip.get("planted");
        assertEquals(6, planted.size(), "3 B tokens x fanout 2 over a vocabulary of 32");
        long found = planted.stream().filter(p -> Boolean.TRUE.equals(((Map<?, ?>) p).get("found"))).count();
        assertEquals(found, ((Number) skip.get("recovered")).longValue(), "the count is the number of planted triples found");
        assertTrue(text.contains("planted skip-trigrams recovered  " + found + " of 6"), text);
        assertEquals(32, ((Number) skip.get("n_ctx")).intValue());

        Document doc = Jsoup.parse(report);
        assertEquals(6, doc.select("table").stream().filter(t -> t.text().contains("planted A … B → C")).findFirst().orElseThrow()
                .select("tbody tr").size(), "one row per planted triple");
        List<Map<String, Object>> sections = data(doc);
        Map<String, Object> bigram = sections.stream().filter(m -> "matrix".equals(m.get("kind")) && "current token".equals(m.get("rowAxis")))
                .findFirst().orElseThrow();
        assertEquals("next token", bigram.get("colAxis"));
        for (Object p : (List<?>) bigram.get("panels")) {
            assertEquals(16, ((List<?>) ((Map<?, ?>) p).get("rows")).size(), "all 16 tokens");
            assertEquals(16, ((List<?>) ((Map<?, ?>) p).get("cols")).size(), "all 16 tokens");
        }
        List<Map<String, Object>> losses = sections.stream().filter(m -> "loss".equals(m.get("kind"))).toList();
        assertEquals(3, losses.size(), "one loss chart per run");
        int[] vocab = {16, 32, 64};
        for (int i = 0; i < 3; i++) {
            List<?> series = (List<?>) losses.get(i).get("series");
            assertEquals(List.of("faint", "line", "points"), series.stream().map(x -> ((Map<?, ?>) x).get("style")).toList());
            List<?> steps = (List<?>) ((Map<?, ?>) series.get(0)).get("steps");
            assertEquals(steps.size(), ((Number) steps.get(steps.size() - 1)).intValue(), "the train loss of every step");
            Map<?, ?> ref = (Map<?, ?>) ((List<?>) losses.get(i).get("references")).get(0);
            assertEquals(Math.log(vocab[i]), ((Number) ref.get("value")).doubleValue(), 1e-12);
        }
    }

    @Test
    void badFlagsExitTwo() throws IOException {
        assertEquals(2, CliRun.of("demo", "--bogus").code());
        assertEquals(2, CliRun.of("demo", "--out", dir.toString(), "--steps-scale", "0").code());
        Path file = Files.writeString(dir.resolve("f"), "x");
        CliRun r = CliRun.of("demo", "--out", file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out"), r.err());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> data(Document doc) throws IOException {
        return (List<Map<String, Object>>) (List<?>) JSON.std.mapFrom(doc.getElementById("report-data").data()).get("sections");
    }

    /** The moving average of the loss chart: s_1 = x_1, s_t = 0.9 s_{t-1} + 0.1 x_t. */
    @Test
    void lossChartAveragesTheTrainLossOfEveryStep() {
        List<Trainer.Progress> progress = List.of(new Trainer.Progress(1, 4, 4.2, 0, 0), new Trainer.Progress(2, 2, Double.NaN, 0, 0),
                new Trainer.Progress(3, 3, 3.5, 0, 0));
        Section.LossCurves chart = DemoCommand.lossChart("t", 16, progress);
        double[] ema = chart.series().get(1).loss();
        assertEquals(4, ema[0]);
        assertEquals(0.9 * 4 + 0.1 * 2, ema[1], 1e-12);
        assertEquals(0.9 * (0.9 * 4 + 0.1 * 2) + 0.1 * 3, ema[2], 1e-12);
        assertEquals(List.of(1L, 3L), Arrays.stream(chart.series().get(2).steps()).boxed().toList(), "held-out where measured");
        assertEquals(Math.log(16), chart.references().getFirst().value(), 1e-12);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
