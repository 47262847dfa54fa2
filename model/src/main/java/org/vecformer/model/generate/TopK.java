package org.vecformer.model.generate;

import java.util.ArrayList;
import java.util.List;

/** The most likely next tokens of one row of logits, with their probabilities {@code softmax(logits)}. */
public record TopK(int token, double probability) {
    /** The {@code k} most likely tokens of logits {@code [off, off+vocab)}, most likely first (ties: lower id first). */
    public static List<TopK> of(float[] logits, int off, int vocab, int k) {
        double[] p = new Sampler(new SamplingOptions(1, 0, 1, 0)).distribution(logits, off, vocab);
        List<TopK> all = new ArrayList<>(vocab);
        for (int i = 0; i < vocab; i++) all.add(new TopK(i, p[i]));
        all.sort((a, b) -> a.probability != b.probability ? Double.compare(b.probability, a.probability) : Integer.compare(a.token, b.token));
        return List.copyOf(all.subList(0, Math.min(k, vocab)));
    }
}
