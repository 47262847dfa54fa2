package org.vecformer.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.data.BigramTask;
import org.vecformer.model.io.ModelFile;
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
                "correlation of true and model log-probs", "planted skip-trigrams recovered", "copying score per head",
                "previous-token head  L0H", "induction head       L1H", "random baseline", "loss on repeated halves")) {
            assertTrue(text.contains(part), "missing '" + part + "' in:\n" + text);
        }
        assertEquals(3, count(text, "what this shows:"));

        Path html = out.resolve("report.html");
        String report = Files.readString(html);
        assertEquals(8, count(report, "class=\"head-heatmap\""), "one heatmap per head of the 2x4-head model");
        for (String section : List.of("Loss curves", "Strongest skip-trigrams", "Copying scores", "Head scores of the two-layer model",
                "K-composition", "True P(next | current)")) {
            assertTrue(report.contains(section), section);
        }
        List<String> files = List.of("bigram.safetensors", "bigram.loss.csv", "skip-trigram.safetensors", "skip-trigram.loss.csv",
                "induction.safetensors", "induction.loss.csv", "report.html", "png/L0H0.png", "png/L1H3.png", "png/composition-k.png",
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
        assertEquals(4, ((List<?>) ((Map<?, ?>) summary.get("skip_trigram")).get("copying_scores")).size());
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

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
