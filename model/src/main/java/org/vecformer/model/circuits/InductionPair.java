package org.vecformer.model.circuits;

/**
 * The paper's induction circuit as the head scores see it: the head with the highest previous-token score in a layer
 * before the last (l1, h1), the head with the highest induction score in a later layer (l2, h2), and the Q-, K- and
 * V-composition from the first into the second. An induction head reads the previous-token head through its keys, so
 * K stands out. Ties go to the first head in layer-then-head order.
 */
public record InductionPair(int l1, int h1, int l2, int h2, double q, double k, double v) {
    /** The pair of a model of at least two layers, from its head scores and its composition scores. */
    public static InductionPair of(HeadDetector heads, Composition comp) {
        double[][] prev = heads.previousToken(), ind = heads.induction();
        if (prev.length < 2) throw new IllegalArgumentException("an induction pair needs two layers, not " + prev.length);
        int l1 = 0, h1 = 0;
        for (int l = 0; l < prev.length - 1; l++) {
            for (int h = 0; h < prev[l].length; h++) if (prev[l][h] > prev[l1][h1]) {
                l1 = l;
                h1 = h;
            }
        }
        int l2 = l1 + 1, h2 = 0;
        for (int l = l1 + 1; l < ind.length; l++) {
            for (int h = 0; h < ind[l].length; h++) if (ind[l][h] > ind[l2][h2]) {
                l2 = l;
                h2 = h;
            }
        }
        return new InductionPair(l1, h1, l2, h2, comp.q()[l1][h1][l2][h2], comp.k()[l1][h1][l2][h2], comp.v()[l1][h1][l2][h2]);
    }
}
