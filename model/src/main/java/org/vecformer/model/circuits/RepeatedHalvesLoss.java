package org.vecformer.model.circuits;

import java.util.Arrays;
import org.vecformer.engine.kernel.CrossEntropy;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.analysis.Statistics;
import org.vecformer.model.data.RepeatedTokens;
import org.vecformer.model.transformer.Transformer;

/**
 * In-context learning on repeated random tokens (paper § "Induction Heads"): the next-token cross-entropy
 * {@code −ln softmax(logits)[target]} of every target of {@link RepeatedTokens}, averaged over the first copy (where
 * nothing predicts the next token: about ln d_vocab) and over the second copy (where an induction head can copy it).
 *
 * @param perTarget the loss of every target [size, nCtx], from the engine's cross-entropy kernel
 * @param firstHalves mean over {@link RepeatedTokens#firstHalf()}
 * @param repeatedHalves mean over {@link RepeatedTokens#repeatedHalf()}
 */
public record RepeatedHalvesLoss(float[] perTarget, double firstHalves, double repeatedHalves) {
    public static RepeatedHalvesLoss of(Transformer model, RepeatedTokens rep) {
        int b = rep.batch().size(), n = rep.batch().nCtx(), v = model.config().dVocab();
        int[] in = rep.batch().inputs();
        int[][] rows = new int[b][];
        for (int i = 0; i < b; i++) rows[i] = Arrays.copyOfRange(in, i * n, (i + 1) * n);
        Tensor logits = model.forward(rows); // [b, n, v]
        float[] data = logits.isContiguous() && logits.offset() == 0 ? logits.data() : logits.copy().data();
        float[] loss = new float[b * n];
        CrossEntropy.forwardBackward(data, 0, v, b * n, v, rep.batch().targets(), 1f, loss, null, 0, 0);
        double[] wide = new double[loss.length];
        for (int i = 0; i < loss.length; i++) wide[i] = loss[i];
        return new RepeatedHalvesLoss(loss, Statistics.mean(wide, rep.firstHalf()), Statistics.mean(wide, rep.repeatedHalf()));
    }
}
