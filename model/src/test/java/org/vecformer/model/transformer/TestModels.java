package org.vecformer.model.transformer;

import java.util.SplittableRandom;
import org.vecformer.engine.tensor.Tensor;

/** Small random models whose every parameter (biases and layer-norm weights too) is non-trivial. */
final class TestModels {
    private TestModels() {}

    static Config config(int layers, Normalization norm, PositionalEmbedding pos, boolean biases) {
        return new Config(layers, 8, 2, 3, 7, 11, norm, pos, 1e-5, biases);
    }

    /** Matrices N(0, 0.5²) (peaked attention), biases N(0, 0.2²), LN weights 1 + N(0, 0.2²). */
    static Weights random(Config c, long seed) {
        Weights w = Weights.init(c, seed, 0.5);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5eed);
        w.stateDict().forEach((name, t) -> {
            if (Weights.isBias(name)) fill(t, rnd, 0, 0.2);
            else if (name.endsWith(".w")) fill(t, rnd, 1, 0.2);
        });
        return w;
    }

    private static void fill(Tensor t, SplittableRandom rnd, double mean, double std) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * rnd.nextGaussian());
    }

    static int[][] tokens(Config c, int batch, int t, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] tok = new int[batch][t];
        for (int[] row : tok) for (int i = 0; i < t; i++) row[i] = rnd.nextInt(c.dVocab());
        return tok;
    }
}
