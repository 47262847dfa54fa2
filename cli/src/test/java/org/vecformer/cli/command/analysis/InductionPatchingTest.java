package org.vecformer.cli.command.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.circuits.HeadDetector;
import org.vecformer.model.io.ModelFile;

/**
 * The README's worked example: a 2-layer model trained on the induction task (seeded, 600 steps) is patched from
 * {@code [seg, seg[0..4]]} (answer seg[5]) into the same prompt with the first seg[4] replaced. The per-position
 * z patches must single out the circuit the head detector finds on its own: in layer 0 the strongest previous-token
 * head, at the position after the corrupted token (where it writes "the previous token was seg[4]"), and in layer 1
 * induction heads at the last position; path patching shows the previous-token head acts through the induction
 * heads' keys (K-composition), not their queries or values.
 */
class InductionPatchingTest {
    private static final String CLEAN = "3 17 42 8 25 60 11 33 50 21 3 17 42 8 25";
    private static final String CORRUPT = "3 17 42 8 5 60 11 33 50 21 3 17 42 8 25";
    private static final int AFTER_CORRUPTED = 5, LAST = 14;

    @TempDir
    Path dir;

    @Test
    void patchingFindsThePreviousTokenAndInductionHeads() throws Exception {
        Path model = dir.resolve("induction.safetensors");
        CliRun train = CliRun.of("train", "--task", "induction", "--layers", "2", "--steps", "600", "--seed", "1", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        HeadDetector scores = HeadDetector.detect(ModelFile.load(model).transformer(), 16, 8, 1);
        int prevHead = argMax(scores.previousToken()[0]);
        assertTrue(scores.previousToken()[0][prevHead] > 0.8, "training grew a previous-token head");

        CliRun patch = CliRun.of("patch", "--model", model.toString(), "--clean-tokens", CLEAN, "--corrupt-tokens", CORRUPT,
                "--answer", "60", "--wrong", "5", "--site", "z", "--per-position", "--json");
        assertEquals(0, patch.code(), patch.err());
        Map<String, Object> all = JSON.std.mapFrom(patch.out());
        assertTrue(((Number) all.get("clean_metric")).doubleValue() > ((Number) all.get("corrupt_metric")).doubleValue() + 1,
                "the clean prompt's induction predicts 60 over 5 by a clear margin");
        List<?> z = (List<?>) ((Map<?, ?>) ((Map<?, ?>) all.get("sites")).get("z")).get("normalized");
        double[][][] v = new double[2][4][15];
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 4; h++) {
                for (int p = 0; p < 15; p++) v[l][h][p] = ((Number) ((List<?>) ((List<?>) z.get(l)).get(h)).get(p)).doubleValue();
            }
        }
        int[] top0 = argMax(v[0]);
        assertEquals(List.of(prevHead, AFTER_CORRUPTED), List.of(top0[0], top0[1]), "layer 0: the previous-token head after the corrupted token");
        assertTrue(v[0][prevHead][AFTER_CORRUPTED] > 0.2, "it restores a large share: " + v[0][prevHead][AFTER_CORRUPTED]);
        int[] top1 = argMax(v[1]);
        assertEquals(LAST, top1[1], "layer 1: at the last position, where the answer is predicted");
        assertTrue(scores.induction()[1][top1[0]] > 0.5, "the layer-1 head that restores most is an induction head");
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 4; h++) {
                for (int p = 0; p < 15; p++) {
                    if (p != AFTER_CORRUPTED && p != LAST) assertEquals(0, v[l][h][p], 0.02, "L" + l + "H" + h + " pos " + p);
                }
            }
        }

        String sender = "0." + prevHead;
        double viaK = pathEffect(model, sender, "k"), viaQv = pathEffect(model, sender, "q,v");
        assertTrue(viaK > 0.1, "the previous-token head reaches the answer through the induction heads' keys: " + viaK);
        assertEquals(0, viaQv, 0.01, "and not through their queries or values");
    }

    private static double pathEffect(Path model, String sender, String inputs) throws Exception {
        CliRun run = CliRun.of("patch", "--model", model.toString(), "--clean-tokens", CLEAN, "--corrupt-tokens", CORRUPT,
                "--answer", "60", "--wrong", "5", "--path", sender, "--receivers", "1.0,1.1,1.2,1.3", "--receiver-input", inputs, "--json");
        assertEquals(0, run.code(), run.err());
        return ((Number) ((Map<?, ?>) JSON.std.mapFrom(run.out()).get("path")).get("normalized")).doubleValue();
    }

    private static int argMax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** {row, column} of the largest entry. */
    private static int[] argMax(double[][] x) {
        int[] best = {0, 0};
        for (int r = 0; r < x.length; r++) for (int c = 0; c < x[r].length; c++) if (x[r][c] > x[best[0]][best[1]]) best = new int[] {r, c};
        return best;
    }
}
