package org.vecformer.model.circuits;

import java.util.Arrays;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.HookFn;
import org.vecformer.model.transformer.HookName;
import org.vecformer.model.transformer.HookName.Hook;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Run;
import org.vecformer.model.transformer.Transformer;

/**
 * Head ablation through the {@code hook_z} hook point [batch, pos, head_index, d_head]: the head's output z^h
 * is replaced before W_O, and the mean next-token loss over the batch is compared with the clean run.
 * <ul>
 *   <li>zero ablation: {@code z^h ← 0} at every position (the head writes only its share of b_O);</li>
 *   <li>mean ablation: {@code z^h ← mean over batch and positions of the clean z^h} (the head writes a constant).</li>
 * </ul>
 *
 * @param kind how heads were ablated
 * @param cleanLoss mean loss of the unablated model
 * @param lossChange [n_layers][n_heads]: mean loss with that head ablated minus cleanLoss
 */
public record HeadAblation(Kind kind, double cleanLoss, double[][] lossChange) {
    /** Zero or mean ablation. */
    public enum Kind { ZERO, MEAN }

    /** Ablates each head in turn on {@code tokens} [batch][T] (T ≥ 2) and records the change in mean loss. */
    public static HeadAblation of(Transformer model, int[][] tokens, Kind kind) {
        Config c = model.config();
        double clean = meanLoss(model.loss(tokens));
        double[][] change = new double[c.nLayers()][c.nHeads()];
        float[][] means = kind == Kind.MEAN ? meanZ(model, tokens) : null;
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                float[] replacement = means == null ? new float[c.dHead()] : Arrays.copyOfRange(means[l], h * c.dHead(), (h + 1) * c.dHead());
                Hooks hooks = Hooks.none().with(HookName.of(Hook.Z, l), setHead(h, replacement));
                change[l][h] = meanLoss(Transformer.loss(model.run(tokens, hooks).logits(), tokens)) - clean;
            }
        }
        return new HeadAblation(kind, clean, change);
    }

    /** A hook on hook_z that writes {@code value} [d_head] into head h at every (batch, position). */
    public static HookFn setHead(int h, float[] value) {
        return (z, name) -> {
            int rows = z.dim(0) * z.dim(1), heads = z.dim(2), dh = z.dim(3);
            float[] d = z.data();
            for (int r = 0; r < rows; r++) System.arraycopy(value, 0, d, z.offset() + (r * heads + h) * dh, dh);
            return z;
        };
    }

    /** Mean of hook_z over batch and positions, per layer: [n_layers][n_heads · d_head]. */
    private static float[][] meanZ(Transformer model, int[][] tokens) {
        Config c = model.config();
        Run run = model.run(tokens, Hooks.caching(Hook.Z::matches));
        int width = c.nHeads() * c.dHead();
        float[][] out = new float[c.nLayers()][width];
        for (int l = 0; l < c.nLayers(); l++) {
            Tensor z = run.get(HookName.of(Hook.Z, l));
            int rows = z.dim(0) * z.dim(1);
            double[] sum = new double[width];
            for (int r = 0; r < rows; r++) for (int j = 0; j < width; j++) sum[j] += z.data()[r * width + j];
            for (int j = 0; j < width; j++) out[l][j] = (float) (sum[j] / rows);
        }
        return out;
    }

    private static double meanLoss(Tensor loss) {
        double s = 0;
        for (int i = 0; i < loss.size(); i++) s += loss.data()[i];
        return s / loss.size();
    }
}
