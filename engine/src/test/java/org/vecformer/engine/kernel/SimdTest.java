package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimdTest {
    @Test
    void unsetOrBlankMeansPreferred() {
        assertEquals(Simd.preferredBits(), Simd.choose(null).vectorBitSize());
        assertEquals(Simd.preferredBits(), Simd.choose(" ").vectorBitSize());
    }

    @Test
    void narrowerWidthsAreHonoured() {
        assertEquals(128, Simd.choose("128").vectorBitSize());
    }

    @Test
    void badValuesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Simd.choose("wide"));
        assertTrue(e.getMessage().contains("'wide'"));
        assertThrows(IllegalArgumentException.class, () -> Simd.choose("96"));
        assertThrows(IllegalArgumentException.class, () -> Simd.choose(String.valueOf(2 * Simd.preferredBits())));
    }
}
