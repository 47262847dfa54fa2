package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
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
        assertThrows(IllegalArgumentException.class, () -> Simd.choose("1024"));
    }

    @Test
    void aWidthWiderThanTheCpuFallsBackToTheCpusAndSaysSo() {
        var chosen = Simd.choose("256", FloatVector.SPECIES_128);
        assertEquals(128, chosen.vectorBitSize());
        assertEquals("vecformer.simd.bits=256 is wider than this CPU's 128-bit vectors; the kernels use 128-bit vectors",
                Simd.fallbackNote("256", chosen));
        assertNull(Simd.fallbackNote("128", Simd.choose("128", FloatVector.SPECIES_128)));
        assertNull(Simd.fallbackNote(null, FloatVector.SPECIES_128));
    }
}
