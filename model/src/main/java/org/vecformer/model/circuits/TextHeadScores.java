package org.vecformer.model.circuits;

import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;

/**
 * Previous-token and duplicate-token scores of every head on real text (held-out sequences, no repetition
 * planted). With A = hook_pattern [head, query, key] of one sequence x of T tokens:
 * <pre>
 *   previous-token  = mean over sequences and queries i ∈ [1, T) of A[h][i][i − 1]
 *   duplicate-token = mean over sequences and queries i with an earlier copy of x[i] of Σ_{j &lt; i, x[j] = x[i]} A[h][i][j]
 * </pre>
 * the second the attention mass on earlier occurrences of the current token (a query with none is left out; when no
 * query of any sequence has one, the score is NaN). Query 0 attends only to itself and is left out of both.
 *
 * @param previousToken [n_layers][n_heads]
 * @param duplicateToken [n_layers][n_heads]
 * @param duplicateQueries queries that had an earlier copy of their token, over all sequences
 */
public record TextHeadScores(double[][] previousToken, double[][] duplicateToken, long duplicateQueries) {

    /** Scores every head on {@code sequences} (each 2 to n_ctx tokens, ids below d_vocab). */
    public static TextHeadScores of(Transformer model, int[][] sequences) {
        Config c = model.config();
        if (sequences.length == 0) throw new IllegalArgumentException("no sequences to score");
        int layers = c.nLayers(), heads = c.nHeads();
        double[][] sp = new double[layers][heads], sd = new double[layers][heads];
        long prevQueries = 0, dupQueries = 0;
        for (int[] x : sequences) {
            int t = x.length;
            if (t < 2 || t > c.nCtx()) throw new IllegalArgumentException("a sequence of " + t + " tokens: needs 2 to n_ctx " + c.nCtx());
            // earlier[i]: positions j < i with x[j] = x[i]
            int[][] earlier = new int[t][];
            for (int i = 0; i < t; i++) {
                int count = 0;
                for (int j = 0; j < i; j++) if (x[j] == x[i]) count++;
                earlier[i] = new int[count];
                for (int j = 0, k = 0; j < i; j++) if (x[j] == x[i]) earlier[i][k++] = j;
                if (count > 0) dupQueries++;
            }
            prevQueries += t - 1;
            HeadDetector.forEachPattern(model, x, (l, a) -> { // a: [head, T, T] of this sequence
                for (int h = 0; h < heads; h++) {
                    int base = h * t * t;
                    for (int i = 1; i < t; i++) {
                        sp[l][h] += a[base + i * t + i - 1];
                        for (int j : earlier[i]) sd[l][h] += a[base + i * t + j];
                    }
                }
            });
        }
        double[][] prev = new double[layers][heads], dup = new double[layers][heads];
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                prev[l][h] = sp[l][h] / prevQueries;
                dup[l][h] = dupQueries == 0 ? Double.NaN : sd[l][h] / dupQueries;
            }
        }
        return new TextHeadScores(prev, dup, dupQueries);
    }
}
