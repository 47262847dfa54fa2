package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vecformer.model.analysis.Probabilities;
import org.vecformer.model.data.SkipTrigrams;
import org.vecformer.model.transformer.Transformer;

/**
 * What a model predicts after a planted skip-trigram's A … B, the behaviour beside {@link PlantedSkipTrigram}'s reading
 * of the circuits: over {@code samples} seeded sequences of n_ctx random fillers with A at position n_ctx/8 and B at
 * 5·n_ctx/8, the model's next-token distribution at B (softmax in double),
 * <pre>
 *   meanProbability = mean over samples of P(C | sequence up to B)      top1Share = share of samples where C is the argmax
 * </pre>
 */
public record PlantedPrediction(SkipTrigrams.Triple triple, double meanProbability, double top1Share) {
    /**
     * One prediction per triple of {@code planted}, in its order. The sequences come from one {@link SplittableRandom}
     * seeded {@code seed ^ 0x5eed}, drawn triple after triple.
     */
    public static List<PlantedPrediction> of(Transformer model, SkipTrigrams planted, int samples, long seed) {
        int n = model.config().nCtx(), v = model.config().dVocab(), a = n / 8, b = 5 * n / 8;
        int[] fillers = planted.fillers();
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5eed);
        List<PlantedPrediction> out = new ArrayList<>();
        for (SkipTrigrams.Triple t : planted.triples()) {
            int[][] rows = new int[samples][n];
            for (int[] row : rows) {
                for (int j = 0; j < n; j++) row[j] = fillers[rng.nextInt(fillers.length)];
                row[a] = t.a();
                row[b] = t.b();
            }
            float[] logits = model.forward(rows).copy().data(); // [samples, n, v]
            double p = 0, top1 = 0;
            for (int s = 0; s < samples; s++) {
                int row = (s * n + b) * v;
                p += Probabilities.softmax(logits, row, v)[t.c()] / samples;
                if (Probabilities.argmax(logits, row, v) == t.c()) top1 += 1.0 / samples;
            }
            out.add(new PlantedPrediction(t, p, top1));
        }
        return out;
    }
}
