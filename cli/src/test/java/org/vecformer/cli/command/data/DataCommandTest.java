package org.vecformer.cli.command.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.cli.Main;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.data.TokenFile;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

class DataCommandTest {
    @TempDir
    Path dir;

    @Test
    void bigramWritesTheWalkAndTheMatrixOfTheSeededChain() throws IOException {
        Path ids = dir.resolve("b.txt");
        CliRun r = CliRun.of("data", "bigram", "--vocab", "5", "--tokens", "40000", "--seed", "7", "--out", ids.toString());
        assertEquals(0, r.code(), r.err());
        BigramChain expected = BigramChain.random(5, 0.5, 7);
        BigramChain written = TransitionCsv.read(dir.resolve("b.transition.csv"));
        assertArrayEquals(expected.transition(), written.transition());
        int[] walk = TokenFile.read(ids, 5).ids();
        assertEquals(40_000, walk.length);
        // the walk follows the chain: empirical P(b | a) within 4 binomial standard errors of the matrix
        int[][] counts = new int[5][5];
        for (int i = 1; i < walk.length; i++) counts[walk[i - 1]][walk[i]]++;
        for (int a = 0; a < 5; a++) {
            int n = 0;
            for (int c : counts[a]) n += c;
            for (int b = 0; b < 5; b++) {
                double p = expected.probability(a, b);
                assertEquals(p, (double) counts[a][b] / n, 4 * Math.sqrt(p * (1 - p) / n) + 1e-3, "P(" + b + " | " + a + ")");
            }
        }
    }

    @Test
    void klOfATrainedZeroLayerModelIsSmallAndMatchesItsJson() throws IOException {
        Path ids = dir.resolve("c.txt"), model = dir.resolve("c.safetensors"), chain = dir.resolve("c.transition.csv");
        assertEquals(0, CliRun.of("data", "bigram", "--vocab", "6", "--tokens", "20000", "--seed", "2", "--out", ids.toString()).code());
        CliRun t = CliRun.of("train", "--task", "tokens", "--data", ids.toString(), "--layers", "0", "--d-model", "16", "--heads", "1",
                "--ctx", "16", "--batch", "16", "--steps", "150", "--lr", "1e-2", "--threads", "1", "--out", model.toString());
        assertEquals(0, t.code(), t.err());
        CliRun kl = CliRun.of("data", "kl", "--model", model.toString(), "--chain", chain.toString(), "--json");
        assertEquals(0, kl.code(), kl.err());
        Map<String, Object> o = JSON.std.mapFrom(kl.out());
        double mean = ((Number) o.get("mean_kl")).doubleValue();
        assertEquals(16, ((List<?>) o.get("per_position_kl")).size());
        assertTrue(mean > 0 && mean < 0.05, "mean KL " + mean);
        CliRun text = CliRun.of("data", "kl", "--model", model.toString(), "--chain", chain.toString());
        assertTrue(text.out().startsWith(String.format("mean KL(true || model) %.5f nats over 6 tokens x 16 positions", mean)), text.out());
    }

    @Test
    void badInputExitsTwoWithOneLine() throws IOException {
        Path out = dir.resolve("x.txt"), csv = dir.resolve("bad.csv"), model = dir.resolve("m.safetensors");
        Files.writeString(csv, "0.5,0.5\n0.3,0.3\n");
        Path good = dir.resolve("g.txt"), goodCsv = dir.resolve("g.transition.csv");
        assertEquals(0, CliRun.of("data", "bigram", "--vocab", "6", "--tokens", "100", "--out", good.toString()).code());
        Path oneLayer = dir.resolve("one.safetensors"), wrongVocab = dir.resolve("seven.safetensors");
        new ModelFile(Weights.init(Config.of(1, 8, 2, 4, 6, 6), 1), Optional.empty()).save(oneLayer);
        new ModelFile(Weights.init(Config.of(0, 8, 2, 4, 6, 7), 1), Optional.empty()).save(wrongVocab);
        List<String[]> bad = List.of(
                new String[] {"data", "bigram", "--vocab", "0", "--out", out.toString()},
                new String[] {"data", "bigram", "--tokens", "1", "--out", out.toString()},
                new String[] {"data", "bigram", "--temperature", "0", "--out", out.toString()},
                new String[] {"data", "bigram", "--out", dir.resolve("no/such/dir.txt").toString()},
                new String[] {"data", "kl", "--model", model.toString(), "--chain", dir.resolve("none.csv").toString()},
                new String[] {"data", "kl", "--model", model.toString(), "--chain", csv.toString()},
                new String[] {"data", "kl", "--model", oneLayer.toString(), "--chain", goodCsv.toString()},
                new String[] {"data", "kl", "--model", wrongVocab.toString(), "--chain", goodCsv.toString()});
        for (String[] args : bad) {
            CliRun r = CliRun.of(args);
            assertEquals(Main.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("vecformer: ") && r.err().lines().count() == 1, r.err());
            assertTrue(!Files.exists(out), String.join(" ", args));
        }
    }
}
