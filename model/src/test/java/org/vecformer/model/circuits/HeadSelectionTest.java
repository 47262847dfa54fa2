package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The choices the commands print: composition links, heads over a threshold, the induction pair. */
class HeadSelectionTest {
    /** Scores [3 layers][2 heads][3][2], zero where l2 ≤ l1 as {@link Composition#of} leaves them, s(l1,h1,l2,h2) = base + code. */
    private static double[][][][] scores(double base) {
        double[][][][] s = new double[3][2][3][2];
        for (int l1 = 0; l1 < 3; l1++) for (int h1 = 0; h1 < 2; h1++) for (int l2 = l1 + 1; l2 < 3; l2++) for (int h2 = 0; h2 < 2; h2++) {
            s[l1][h1][l2][h2] = base + (l1 * 1000 + h1 * 100 + l2 * 10 + h2) / 1e5;
        }
        return s;
    }

    @Test
    void linksListEveryLaterPairOfEveryKindLargestFirst() {
        Composition comp = new Composition(scores(0.1), scores(0.3), scores(0.2), 0.05);
        List<Composition.Link> links = comp.links();
        // pairs with l1 < l2 among 3 layers of 2 heads: (0→1, 0→2, 1→2) × 2 × 2 = 12 per kind
        assertEquals(36, links.size());
        for (Composition.Link l : links) assertEquals(true, l.l1() < l.l2(), l.toString());
        for (int i = 1; i < links.size(); i++) assertEquals(true, links.get(i - 1).score() >= links.get(i).score());
        assertEquals(new Composition.Link(Composition.Kind.K, 1, 1, 2, 1, 0.3 + 1121e-5), links.getFirst());
        assertEquals(List.of(Composition.Kind.K, Composition.Kind.V, Composition.Kind.Q),
                comp.strongestOfEachKind().stream().map(Composition.Link::kind).toList());
        assertEquals(new Composition.Link(Composition.Kind.Q, 1, 1, 2, 1, 0.1 + 1121e-5), comp.strongestOfEachKind().get(2));
    }

    @Test
    void tiedLinksKeepKindThenHeadOrder() {
        double[][][][] flat = new double[2][1][2][1];
        flat[0][0][1][0] = 0.5;
        List<Composition.Link> links = new Composition(flat, flat, flat, 0).links();
        assertEquals(List.of(Composition.Kind.Q, Composition.Kind.K, Composition.Kind.V), links.stream().map(Composition.Link::kind).toList());
        assertEquals(List.of(), new Composition(new double[1][1][1][1], new double[1][1][1][1], new double[1][1][1][1], 0).links(),
                "one layer: no later head to compose with");
    }

    @Test
    void atLeastListsTheHeadsOfTheLayersAskedBestFirst() {
        double[][] score = {{0.2, 0.9, 0.5}, {0.7, 0.5, 0.95}};
        assertEquals(List.of(new HeadDetector.HeadScore(1, 2, 0.95), new HeadDetector.HeadScore(0, 1, 0.9), new HeadDetector.HeadScore(1, 0, 0.7),
                new HeadDetector.HeadScore(0, 2, 0.5), new HeadDetector.HeadScore(1, 1, 0.5)), HeadDetector.atLeast(score, 0, 2, 0.5));
        assertEquals(List.of(new HeadDetector.HeadScore(0, 1, 0.9)), HeadDetector.atLeast(score, 0, 1, 0.6));
        assertEquals(List.of(), HeadDetector.atLeast(score, 1, 2, 0.96));
    }

    @Test
    void inductionPairTakesTheBestPreviousTokenHeadBeforeTheLastLayerAndTheBestLaterInductionHead() {
        double[][] prev = {{0.1, 0.6}, {0.2, 0.8}, {0.99, 0.0}}, ind = {{0.9, 0.9}, {0.3, 0.4}, {0.7, 0.7}};
        HeadDetector det = new HeadDetector(prev, new double[3][2], ind, new int[0][]);
        Composition comp = new Composition(scores(0.1), scores(0.3), scores(0.2), 0.05);
        // layer 2's 0.99 is in the last layer, so L1H1 (0.8); the later induction heads are layer 2's, tied: the first
        InductionPair p = InductionPair.of(det, comp);
        assertEquals(new InductionPair(1, 1, 2, 0, 0.1 + 1120e-5, 0.3 + 1120e-5, 0.2 + 1120e-5), p);
        assertThrows(IllegalArgumentException.class, () -> InductionPair.of(new HeadDetector(new double[1][2], new double[1][2],
                new double[1][2], new int[0][]), comp));
    }
}
