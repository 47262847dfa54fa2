package org.vecformer.model.circuits;

import org.vecformer.model.analysis.Probabilities;
import org.vecformer.model.analysis.Statistics;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.transformer.Transformer;

/**
 * A zero-layer model's next-token table against the bigram chain it learnt (paper § "Zero-Layer Transformers": the
 * direct path {@code W_E W_U} holds bigram statistics). Row a is the softmax, in double, of the logits of the one-token
 * prompt [a] (position 0; through ln_final), so
 * <pre>
 *   model[a][b] = softmax_b(logits([a]))      truth[a][b] = P(b | a)
 *   meanKl = (1/V) Σ_a Σ_b truth[a][b] ln(truth[a][b] / model[a][b])       (BigramChain.meanKl of the table in float)
 *   logProbCorrelation = pearson over all V² pairs of (ln truth[a][b], ln model[a][b])
 * </pre>
 * {@link BigramFit} scores every position of a full context instead.
 *
 * @param truth the chain's transition matrix [V][V]
 * @param model the model's table [V][V], each row summing to 1
 */
public record BigramTable(double[][] truth, double[][] model, double meanKl, double logProbCorrelation) {
    /** Reads the table of a zero-layer {@code model} whose vocabulary is the chain's. */
    public static BigramTable of(Transformer model, BigramChain chain) {
        int v = chain.dVocab();
        if (model.config().dVocab() != v) {
            throw new IllegalArgumentException("the model's d_vocab " + model.config().dVocab() + " differs from the chain's " + v + " tokens");
        }
        float[] table = new float[v * v];
        double[][] truth = new double[v][v], fit = new double[v][v];
        double[] x = new double[v * v], y = new double[v * v];
        for (int a = 0; a < v; a++) {
            float[] row = model.forward(new int[] {a}).copy().data(); // [1, 1, V]
            fit[a] = Probabilities.softmax(row, 0, v);
            for (int b = 0; b < v; b++) {
                truth[a][b] = chain.probability(a, b);
                table[a * v + b] = (float) fit[a][b];
                x[a * v + b] = Math.log(truth[a][b]);
                y[a * v + b] = Math.log(fit[a][b]);
            }
        }
        return new BigramTable(truth, fit, chain.meanKl(table), Statistics.pearson(x, y));
    }
}
