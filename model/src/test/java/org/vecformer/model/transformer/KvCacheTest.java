package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.tensor.Tensor;

class KvCacheTest {
    static Stream<Arguments> variants() {
        return ForwardTest.variants().filter(a -> (int) a.get()[0] >= 1);
    }

    @ParameterizedTest(name = "{0} layers, {1}, {2}, biases {3}")
    @MethodSource("variants")
    void cachedDecodingGivesTheLogitsOfFullRecomputationAtEveryStep(int layers, Normalization n, PositionalEmbedding p, boolean biases) {
        Config c = TestModels.config(layers, n, p, biases);
        Transformer model = new Transformer(TestModels.random(c, 99 + layers));
        int[] tok = TestModels.tokens(c, 1, c.nCtx(), 4)[0];
        KvCache cache = model.kvCache();
        int prefill = 3;
        Tensor first = cache.append(Arrays.copyOf(tok, prefill));
        assertSameRows(model.forward(Arrays.copyOf(tok, prefill)).slice(0), first, 0, prefill);
        for (int i = prefill; i < tok.length; i++) {
            Tensor step = cache.append(tok[i]);
            Tensor full = model.forward(Arrays.copyOf(tok, i + 1)).slice(0);
            assertSameRows(full, step, i, 1);
        }
        assertEquals(c.nCtx(), cache.position());
        assertEquals(0, cache.remaining());
        assertEquals("context full: 7 + 1 tokens exceed n_ctx = 7",
                assertThrows(IllegalArgumentException.class, () -> cache.append(0)).getMessage());
    }

    @ParameterizedTest(name = "{0} layers, {1}, {2}, biases {3}")
    @MethodSource("variants")
    void afterTruncateADifferentContinuationGivesTheLogitsOfItsOwnFullForward(int layers, Normalization n, PositionalEmbedding p, boolean biases) {
        Config c = TestModels.config(layers, n, p, biases);
        Transformer model = new Transformer(TestModels.random(c, 7 + layers));
        int[] tok = TestModels.tokens(c, 1, c.nCtx(), 5)[0];
        KvCache cache = model.kvCache();
        cache.append(tok);
        cache.truncate(2);
        assertEquals(2, cache.position());
        int[] other = tok.clone();
        other[2] = (tok[2] + 1) % c.dVocab();
        other[3] = (tok[3] + 2) % c.dVocab();
        Tensor step = cache.append(other[2], other[3]);
        assertSameRows(model.forward(Arrays.copyOf(other, 4)).slice(0), step, 2, 2);
        assertEquals("truncate to 5 positions: must be in [0, 4]",
                assertThrows(IllegalArgumentException.class, () -> cache.truncate(5)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> cache.truncate(-1));
    }

    /** Rows from..from+n of full [T, V] against step [n, V], to float rounding of a different summation order. */
    private static void assertSameRows(Tensor full, Tensor step, int from, int n) {
        for (int r = 0; r < n; r++) {
            for (int v = 0; v < full.dim(1); v++) {
                float want = full.get(from + r, v), got = step.get(r, v);
                assertEquals(want, got, 1e-5f * Math.max(1, Math.abs(want)), "position " + (from + r) + " token " + v);
            }
        }
    }
}
