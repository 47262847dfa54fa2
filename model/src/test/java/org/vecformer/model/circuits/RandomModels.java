package org.vecformer.model.circuits;

import java.util.SplittableRandom;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Weights;

/** Small random models with non-trivial layer-norm weights and biases, and plain double helpers over their tensors. */
final class RandomModels {
    private RandomModels() {}

    static Config config(int layers, Normalization norm, PositionalEmbedding pos, boolean biases) {
        return new Config(layers, 12, 3, 4, 9, 13, norm, pos, 1e-5, biases);
    }

    /** Matrices N(0, 0.4²), biases N(0, 0.2²), LN weights 1 + N(0, 0.3²). */
    static Weights random(Config c, long seed) {
        Weights w = Weights.init(c, seed, 0.4);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0xc1c);
        w.stateDict().forEach((name, t) -> {
            float[] d = t.data();
            if (Weights.isBias(name)) for (int i = 0; i < d.length; i++) d[i] = (float) (0.2 * rnd.nextGaussian());
            else if (name.endsWith(".w")) for (int i = 0; i < d.length; i++) d[i] = (float) (1 + 0.3 * rnd.nextGaussian());
        });
        return w;
    }

    /** Head h of a [n_heads, rows, cols] tensor as a double matrix, each row i scaled by {@code rowScale[i]} (null: 1). */
    static Matrix head(Tensor t, int h, float[] rowScale) {
        int rows = t.dim(1), cols = t.dim(2);
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (rowScale == null ? 1 : rowScale[i]) * (double) t.get(h, i, j));
        }
        return m;
    }

    /** A [rows, cols] tensor as a double matrix, row i scaled by {@code rowScale[i]} (null: 1). */
    static Matrix matrix(Tensor t, float[] rowScale) {
        int rows = t.dim(0), cols = t.dim(1);
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (rowScale == null ? 1 : rowScale[i]) * (double) t.get(i, j));
        }
        return m;
    }

    static double maxAbsDiff(Matrix a, Matrix b) {
        double d = 0;
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.cols(); j++) d = Math.max(d, Math.abs(a.get(i, j) - b.get(i, j)));
        return d;
    }

    static double maxAbs(Matrix a) {
        double d = 0;
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.cols(); j++) d = Math.max(d, Math.abs(a.get(i, j)));
        return d;
    }
}
