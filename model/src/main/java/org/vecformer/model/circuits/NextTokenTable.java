package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.vecformer.model.analysis.Probabilities;
import org.vecformer.model.transformer.Transformer;

/**
 * Rows of a model's bigram table for chosen current tokens: for each token a the {@code k} most likely next tokens of
 * the one-token prompt [a] and their probabilities, {@code softmax_b(logits([a]))} in double (position 0; through
 * ln_final), as {@link BigramTable} reads a whole table when the vocabulary is small. For a zero-layer model these are
 * the direct path's rows; for a real vocabulary this shows the rows of the tokens a text uses most.
 */
public record NextTokenTable(List<Row> rows) {
    /** Current token {@code current}, its most likely next tokens (best first; ties to the smaller id) and their probabilities. */
    public record Row(int current, int[] next, double[] probability) {}

    /** The top {@code k} next tokens of each of {@code currents} (ids below d_vocab). */
    public static NextTokenTable of(Transformer model, int[] currents, int k) {
        int v = model.config().dVocab();
        List<Row> rows = new ArrayList<>();
        for (int a : currents) {
            if (a < 0 || a >= v) throw new IllegalArgumentException("token " + a + " is outside d_vocab " + v);
            double[] p = Probabilities.softmax(model.forward(new int[] {a}).copy().data(), 0, v); // [1, 1, V]
            int[] next = IntStream.range(0, v).boxed().sorted(Comparator.comparingDouble((Integer b) -> -p[b]).thenComparingInt(b -> b))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            double[] prob = new double[next.length];
            for (int i = 0; i < next.length; i++) prob[i] = p[next[i]];
            rows.add(new Row(a, next, prob));
        }
        return new NextTokenTable(List.copyOf(rows));
    }

    /** The {@code k} most frequent ids of {@code counts} (ties to the smaller id): the rows worth showing. */
    public static int[] mostFrequent(long[] counts, int k) {
        return IntStream.range(0, counts.length).boxed().sorted(Comparator.comparingLong((Integer t) -> -counts[t]).thenComparingInt(t -> t))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
