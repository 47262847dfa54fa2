package org.vecformer.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The planted structure of task {@code skip-trigram}: triples (A, B, C) meaning "an earlier A makes B → C".
 * There are {@code numB} B tokens, each with {@code fanout} triples that share B but have their own A and C, so
 * what follows B depends on which A came before (a bigram alone cannot predict it). A, B and C tokens are
 * distinct, drawn by a seeded permutation of the vocabulary; every other token is a filler.
 */
public record SkipTrigrams(int dVocab, List<Triple> triples, int[] fillers) {
    /** One planted skip-trigram: A … B C. */
    public record Triple(int a, int b, int c) {}

    /** {@code numB·fanout} triples over {@code numB·(1 + 2·fanout)} role tokens; at least two fillers must remain. */
    public static SkipTrigrams random(int dVocab, int numB, int fanout, long seed) {
        if (numB < 1 || fanout < 1) throw new IllegalArgumentException("need at least one B token and one triple per B");
        int roles = numB * (1 + 2 * fanout);
        if (dVocab - roles < 2) {
            throw new IllegalArgumentException(numB + " B tokens with fanout " + fanout + " use " + roles
                    + " tokens; the vocabulary of " + dVocab + " must leave at least 2 fillers");
        }
        int[] order = new int[dVocab];
        Seeds.distinct(new SplittableRandom(seed), dVocab, dVocab, order, 0, new int[dVocab]);
        List<Triple> triples = new ArrayList<>();
        int next = numB;
        for (int b = 0; b < numB; b++) {
            for (int f = 0; f < fanout; f++, next += 2) triples.add(new Triple(order[next], order[b], order[next + 1]));
        }
        return new SkipTrigrams(dVocab, List.copyOf(triples), Arrays.copyOfRange(order, roles, dVocab));
    }
}
