package org.vecformer.model.train;

import java.util.SplittableRandom;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Run;
import org.vecformer.model.transformer.Transformer;

/**
 * Test-side head scores on repeated random tokens [r, r], |r| = n = n_ctx/4, from {@code hook_pattern}:
 * previous-token score = mean attention from i to i−1 (i = 1..2n−1), induction score = mean attention from i to
 * i−(n−1) (i = n..2n−1: the token after the earlier copy of the current one). Scores [layer][head].
 */
public record HeadScores(double[][] previousToken, double[][] induction) {
    public static HeadScores of(Transformer model, int sequences, long seed) {
        Config c = model.config();
        int n = Math.max(2, c.nCtx() / 4), len = 2 * n;
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] tokens = new int[sequences][len];
        for (int[] row : tokens) {
            for (int i = 0; i < n; i++) row[i] = rng.nextInt(c.dVocab());
            System.arraycopy(row, 0, row, n, n);
        }
        Run run = model.run(tokens, Hooks.caching(name -> name.endsWith("hook_pattern")));
        double[][] prev = new double[c.nLayers()][c.nHeads()], ind = new double[c.nLayers()][c.nHeads()];
        for (int l = 0; l < c.nLayers(); l++) {
            Tensor p = run.cache().get("blocks." + l + ".attn.hook_pattern");
            for (int b = 0; b < sequences; b++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    for (int i = 1; i < len; i++) prev[l][h] += p.get(b, h, i, i - 1) / ((double) sequences * (len - 1));
                    for (int i = n; i < len; i++) ind[l][h] += p.get(b, h, i, i - n + 1) / ((double) sequences * n);
                }
            }
        }
        return new HeadScores(prev, ind);
    }

    public static double max(double[] scores) {
        double m = Double.NEGATIVE_INFINITY;
        for (double s : scores) m = Math.max(m, s);
        return m;
    }
}
