package org.vecformer.model.circuits;

/**
 * Token counts of a corpus and the weights that rank circuit entries by how often their tokens occur
 * ({@link CircuitWeights#weightEmbedding}), so entries of tokens a corpus hardly uses (stray bytes, padding ids) do
 * not crowd the top of a list:
 * <pre>
 *   f(t) = (count(t) + 1) / (max_u count(u) + 1)        in (0, 1]; 1 for the most frequent token
 * </pre>
 * The +1 (add-one smoothing) keeps a token the corpus lacks above zero, so it still ranks among its kind.
 *
 * @param counts occurrences of each token id [d_vocab]
 */
public record TokenFrequency(long[] counts) {
    /** Counts {@code ids} over a vocabulary of {@code dVocab}; an id outside [0, dVocab) is refused. */
    public static TokenFrequency of(int[] ids, int dVocab) {
        long[] counts = new long[dVocab];
        for (int id : ids) {
            if (id < 0 || id >= dVocab) throw new IllegalArgumentException("token id " + id + " is outside the model's vocabulary [0, " + dVocab + ")");
            counts[id]++;
        }
        return new TokenFrequency(counts);
    }

    /** f(t) of every token id (see the class comment). */
    public double[] weights() {
        long max = 0;
        for (long c : counts) max = Math.max(max, c);
        double[] f = new double[counts.length];
        for (int t = 0; t < f.length; t++) f[t] = (counts[t] + 1.0) / (max + 1.0);
        return f;
    }

    /**
     * The ids, ascending, that make up at least {@code share} of all counted tokens and occur at least twice:
     * count(t) ≥ max(2, ⌈share · Σ count⌉). Restricting a circuit to them ({@link CircuitWeights#restrict}) drops the
     * tokens a corpus hardly uses without ranking the rest by frequency.
     */
    public int[] used(double share) {
        long total = 0;
        for (long c : counts) total += c;
        long min = Math.max(2, (long) Math.ceil(share * total));
        return java.util.stream.IntStream.range(0, counts.length).filter(t -> counts[t] >= min).toArray();
    }
}
