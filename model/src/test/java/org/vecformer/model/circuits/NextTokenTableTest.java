package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.vecformer.model.transformer.Transformer;

/** The rows of a zero-layer model whose logits are set by hand, against their softmax in closed form. */
class NextTokenTableTest {
    @Test
    void rowsAreTheMostLikelyNextTokensWithTheirProbabilities() {
        double l2 = Math.log(2), l4 = Math.log(4);
        // row 0: all equal (ties to the smaller id); row 1: e^0, e^ln2, e^ln4, e^0 = 1, 2, 4, 1 over 8
        double[] table = {0, 0, 0, 0, 0, l2, l4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Transformer m = DirectModels.of(4, 4, table);
        NextTokenTable t = NextTokenTable.of(m, new int[] {1, 0}, 2);
        assertEquals(2, t.rows().size());
        NextTokenTable.Row one = t.rows().get(0), zero = t.rows().get(1);
        assertEquals(1, one.current());
        assertArrayEquals(new int[] {2, 1}, one.next());
        assertArrayEquals(new double[] {0.5, 0.25}, one.probability(), 1e-6);
        assertArrayEquals(new int[] {0, 1}, zero.next());
        assertArrayEquals(new double[] {0.25, 0.25}, zero.probability(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> NextTokenTable.of(m, new int[] {4}, 1));
    }

    @Test
    void mostFrequentTokensBreakTiesBySmallerId() {
        assertArrayEquals(new int[] {1, 2, 0}, NextTokenTable.mostFrequent(new long[] {3, 7, 7, 0}, 3));
    }
}
