package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;

/** The parallel search gives what searching each circuit on its own gives, on any thread count, and counts every circuit. */
class CircuitEntriesTest {
    private final int threads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threads);
    }

    private static Circuits circuits(int layers) {
        return new Circuits(CircuitWeights.of(RandomModels.random(RandomModels.config(layers, Normalization.LN, PositionalEmbedding.STANDARD, true), 3)));
    }

    @Test
    void oneLayerListsEachHeadsSkipTrigrams() {
        Circuits c = circuits(1);
        for (int t : new int[] {1, 2}) {
            Parallel.setThreads(t);
            AtomicInteger searched = new AtomicInteger();
            CircuitEntries e = CircuitEntries.of(c, 4, 64, searched::incrementAndGet);
            assertEquals(3, searched.get(), "one search per head");
            for (int h = 0; h < 3; h++) assertEquals(SkipTrigram.top(c, 0, h, 4), e.skipTrigrams().get(h));
            assertEquals(List.of(), e.qk());
            assertEquals(List.of(), e.directPath());
        }
    }

    @Test
    void moreLayersListEachHeadsQkAndOvEntriesLayerMajor() {
        Circuits c = circuits(2);
        Config cfg = c.weights().config();
        for (int t : new int[] {1, 2}) {
            Parallel.setThreads(t);
            AtomicInteger searched = new AtomicInteger();
            CircuitEntries e = CircuitEntries.of(c, 3, 64, searched::incrementAndGet);
            assertEquals(cfg.nLayers() * cfg.nHeads() * CircuitEntries.circuitsPerHead(cfg), searched.get());
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < 3; h++) {
                    assertEquals(c.layer(l).qkCircuit(h).topK(3), e.qk().get(l * 3 + h));
                    assertEquals(c.layer(l).ovCircuit(h).topK(3), e.ov().get(l * 3 + h));
                }
            }
            assertEquals(List.of(), e.skipTrigrams());
        }
    }

    @Test
    void zeroLayersListTheDirectPathAndItsRowArgmaxWhenSmallEnough() {
        Circuits c = circuits(0);
        FactoredMatrix path = c.directPath();
        CircuitEntries e = CircuitEntries.of(c, 5, 13, () -> {});
        assertEquals(path.topK(5), e.directPath());
        assertArrayEquals(path.rowArgMax(), e.directPathArgMax());
        assertNull(CircuitEntries.of(c, 5, 12, () -> {}).directPathArgMax(), "13 rows > 12");
    }
}
