package org.vecformer.model.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.vecformer.engine.kernel.Softmax;

/** Draws next tokens from logits as {@link SamplingOptions} say; one seeded random stream per sampler. */
public final class Sampler {
    private final SamplingOptions options;
    private final SplittableRandom random;

    public Sampler(SamplingOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
    }

    /**
     * The distribution the next token is drawn from, over logits {@code [off, off+vocab)}: one-hot at the
     * argmax when greedy, else {@code p = softmax(logits / temperature)} restricted to the top-k, then to
     * the smallest most-likely set with {@code Σp >= topP}, renormalised. Ties rank the lower id first.
     */
    public double[] distribution(float[] logits, int off, int vocab) {
        double[] p = new double[vocab];
        if (options.isGreedy()) {
            int best = 0;
            for (int i = 1; i < vocab; i++) if (logits[off + i] > logits[off + best]) best = i;
            p[best] = 1;
            return p;
        }
        float[] soft = new float[vocab];
        Softmax.softmax(logits, off, vocab, 1, vocab, (float) (1 / options.temperature()), false, 0, soft, 0, vocab);
        if ((options.topK() == 0 || options.topK() >= vocab) && options.topP() == 1) {
            for (int i = 0; i < vocab; i++) p[i] = soft[i];
            return p;
        }
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> soft[a] != soft[b] ? Float.compare(soft[b], soft[a]) : Integer.compare(a, b));
        int keep = options.topK() == 0 ? vocab : Math.min(options.topK(), vocab);
        double total = 0;
        for (int r = 0; r < keep; r++) total += soft[order[r]];
        double mass = 0;
        int kept = 0;
        while (kept < keep && (kept == 0 || mass < options.topP() * total)) mass += soft[order[kept++]];
        for (int r = 0; r < kept; r++) p[order[r]] = soft[order[r]] / mass;
        return p;
    }

    /** A token drawn from {@link #distribution(float[], int, int)}. */
    public int sample(float[] logits, int off, int vocab) {
        double[] p = distribution(logits, off, vocab);
        double u = random.nextDouble();
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (p[i] == 0) continue;
            last = i;
            u -= p[i];
            if (u < 0) return i;
        }
        return last;
    }
}
