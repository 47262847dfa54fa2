package org.vecformer.cli.command.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.cli.Main;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Block;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/** {@code vecformer attribute} and {@code vecformer ablate}, in process, against the model run directly. */
class AttributionCommandsTest {
    private static final int[] TOKENS = {3, 1, 4, 1, 5, 6, 2};

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

    private static String tokens() {
        StringBuilder s = new StringBuilder();
        for (int t : TOKENS) s.append(s.isEmpty() ? "" : " ").append(t);
        return s.toString();
    }

    /** Σ contributions + constant is the logit the forward pass gives the target at that position. */
    private static void assertSumsToTheLogit(Map<String, Object> all, int position, int target) {
        assertEquals(position, ((Number) all.get("position")).intValue());
        assertEquals(target, ((Number) all.get("target")).intValue());
        List<?> components = (List<?>) all.get("components");
        List<String> names = components.stream().map(c -> (String) ((Map<?, ?>) c).get("name")).toList();
        assertEquals(List.of("embed", "pos_embed", "L0H0", "L0H1", "L0 b_O", "L1H0", "L1H1", "L1 b_O"), names);
        double sum = ((Number) all.get("constant")).doubleValue();
        for (Object c : components) sum += ((Number) ((Map<?, ?>) c).get("contribution")).doubleValue();
        double want = new Transformer(weights).forward(TOKENS).get(0, position, target);
        assertEquals(want, sum, 1e-4 * Math.max(1, Math.abs(want)));
        assertEquals(want, ((Number) all.get("logit")).doubleValue(), 1e-5 * Math.max(1, Math.abs(want)));
    }

    @Test
    void attributeSplitsTheNextTokenLogitOrAChosenTargetsLogit() throws IOException {
        CliRun next = CliRun.of("attribute", "--model", file.toString(), "--tokens", tokens(), "--json");
        assertEquals(0, next.code(), next.err());
        assertSumsToTheLogit(JSON.std.mapFrom(next.out()), TOKENS.length - 2, TOKENS[TOKENS.length - 1]);

        CliRun at = CliRun.of("attribute", "--model", file.toString(), "--tokens", tokens(), "--position", "2", "--json");
        assertEquals(0, at.code(), at.err());
        assertSumsToTheLogit(JSON.std.mapFrom(at.out()), 2, TOKENS[3]);

        CliRun chosen = CliRun.of("attribute", "--model", file.toString(), "--tokens", tokens(), "--target", "0", "--json");
        assertEquals(0, chosen.code(), chosen.err());
        assertSumsToTheLogit(JSON.std.mapFrom(chosen.out()), TOKENS.length - 1, 0);

        CliRun text = CliRun.of("attribute", "--model", file.toString(), "--tokens", tokens());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("L1H1") && text.out().contains("sum"), text.out());
    }

    private static double meanLoss(Weights w) {
        Tensor loss = new Transformer(w).loss(new int[][] {TOKENS});
        double s = 0;
        for (int i = 0; i < loss.size(); i++) s += loss.data()[i];
        return s / loss.size();
    }

    /** Zero ablation of a head equals the model with that head's rows of W_O set to zero. */
    @Test
    void ablateGivesTheLossChangeOfTheModelWithoutEachHead() throws IOException {
        CliRun r = CliRun.of("ablate", "--model", file.toString(), "--tokens", tokens(), "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> all = JSON.std.mapFrom(r.out());
        assertEquals("zero", all.get("mode"));
        double clean = meanLoss(weights);
        assertEquals(clean, ((Number) all.get("clean_loss")).doubleValue(), 1e-6);
        List<?> change = (List<?>) all.get("loss_change");
        Config c = weights.config();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                Weights edited = weights.copy();
                Block b = edited.blocks().get(l);
                int size = c.dHead() * c.dModel();
                for (int i = 0; i < size; i++) b.wO().data()[h * size + i] = 0;
                double got = ((Number) ((List<?>) change.get(l)).get(h)).doubleValue();
                assertEquals(meanLoss(edited) - clean, got, 1e-5, "L" + l + "H" + h);
            }
        }
        CliRun mean = CliRun.of("ablate", "--model", file.toString(), "--tokens", tokens(), "--mode", "mean");
        assertEquals(0, mean.code(), mean.err());
        assertTrue(mean.out().startsWith("mean ablation on 7 tokens"), mean.out());
        assertTrue(mean.out().contains("L1 "), mean.out());
    }

    @Test
    void badInputIsOneLineUsageError() {
        assertOneLine(CliRun.of("ablate", "--model", file.toString(), "--tokens", "1 2", "--mode", "half"),
                "vecformer: --mode must be zero or mean, not 'half'");
        assertOneLine(CliRun.of("ablate", "--model", file.toString(), "--tokens", "1"),
                "vecformer: the prompt has 1 token and so no next-token loss: give at least 2 tokens");
        assertOneLine(CliRun.of("attribute", "--model", file.toString(), "--tokens", "1 2 3", "--target", "7"),
                "vecformer: --target must be a token id in [0, 7), not 7");
        assertOneLine(CliRun.of("attribute", "--model", file.toString(), "--tokens", "1 2 3", "--position", "2"),
                "vecformer: --position must be in [0, 1] for this prompt of 3 tokens (the last token has no next token; give --target ID to attribute there), not 2");
        assertOneLine(CliRun.of("attribute", "--model", file.toString(), "--tokens", "4"),
                "vecformer: the prompt has 1 token and so no next token: give a longer prompt or --target ID");
    }

    private static void assertOneLine(CliRun r, String line) {
        assertEquals(Main.USAGE, r.code(), r.err());
        assertTrue(r.err().equals(line + " (vecformer attribute --help)\n") || r.err().equals(line + " (vecformer ablate --help)\n"), r.err());
    }
}
