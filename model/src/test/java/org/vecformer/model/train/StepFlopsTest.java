package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vecformer.model.transformer.Config;

class StepFlopsTest {
    @Test
    void tinyConfigCountedProductByProduct() {
        // 1 layer, d_model 4, 2 heads of 3, n_ctx 3, d_vocab 5, batch 2: r = 6 rows, hd = 6, 6 visible pairs per head
        Config c = Config.of(1, 4, 2, 3, 3, 5);
        double qkv = 2.0 * 6 * 4 * 18;       // x [6, 4] · W_Q|K|V [4, 18]
        double wO = 2.0 * 6 * 6 * 4;         // z [6, 6] · W_O [6, 4]
        double visible = 1 + 2 + 3;          // keys seen by queries 0, 1, 2
        double oneProduct = 2.0 * visible * 3 * 2 * 2; // pairs · d_head · heads · sequences
        double unembed = 2.0 * 6 * 4 * 5;    // x [6, 4] · W_U [4, 5]
        double expected = 3 * qkv + 3 * wO + 6 * oneProduct + 3 * unembed;
        assertEquals(expected, StepFlops.of(c, 2), 0);
    }

    @Test
    void layersAndBatchScaleTheirTerms() {
        Config one = Config.of(1, 8, 2, 4, 16, 11), three = Config.of(3, 8, 2, 4, 16, 11);
        double unembed = 3 * 2.0 * 4 * 16 * 8 * 11;
        double layer = StepFlops.of(one, 4) - unembed;
        assertEquals(3 * layer + unembed, StepFlops.of(three, 4), 1e-6);
        assertEquals(2 * StepFlops.of(three, 4), StepFlops.of(three, 8), 1e-6, "every product has one row per token");
    }
}
