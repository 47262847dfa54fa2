package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmupCosineTest {
    private final WarmupCosine schedule = new WarmupCosine(1e-3, 10, 110, 1e-5);

    @Test
    void warmsUpLinearlyToThePeak() {
        assertEquals(1e-4, schedule.lr(0), 1e-18);
        assertEquals(5e-4, schedule.lr(4), 1e-18);
        assertEquals(1e-3, schedule.lr(9), 1e-18);
        assertEquals(1e-3, schedule.lr(10), 1e-18);
    }

    @Test
    void decaysAlongACosineToTheFloor() {
        assertEquals((1e-3 + 1e-5) / 2, schedule.lr(60), 1e-15);
        assertEquals(1e-5 + (1e-3 - 1e-5) * (1 + Math.cos(Math.PI / 4)) / 2, schedule.lr(35), 1e-15);
        assertEquals(1e-5, schedule.lr(110), 0);
        assertEquals(1e-5, schedule.lr(5000), 0);
        for (int s = 10; s < 110; s++) assertTrue(schedule.lr(s + 1) < schedule.lr(s), "step " + s);
    }

    @Test
    void noWarmUpStartsAtThePeak() {
        assertEquals(2.0, new WarmupCosine(2, 0, 4, 0).lr(0), 0);
        assertEquals(1.0, new WarmupCosine(2, 0, 4, 0).lr(2), 1e-15);
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(1, 10, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(1, 0, 5, 2));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(0, 0, 5, 0));
    }
}
