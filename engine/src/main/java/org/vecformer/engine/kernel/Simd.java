package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that decides which float vector species every kernel uses.
 *
 * <p>Default: {@link FloatVector#SPECIES_PREFERRED}. The system property {@code vecformer.simd.bits}
 * (64, 128, 256 or 512) forces a narrower (or equal) species so tests exercise tails and masks of
 * narrow machines on a wide one. The species is a {@code static final} constant so C2 can intrinsify
 * every kernel that reads it.
 */
public final class Simd {
    /** System property that forces a vector width in bits. */
    public static final String BITS_PROPERTY = "vecformer.simd.bits";

    /** The float species of every kernel. */
    public static final VectorSpecies<Float> F = choose(System.getProperty(BITS_PROPERTY));

    /** Lanes of {@link #F}. */
    public static final int LANES = F.length();

    private Simd() {}

    static VectorSpecies<Float> choose(String bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits == null || bits.isBlank()) return preferred;
        int wanted;
        try {
            wanted = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BITS_PROPERTY + " must be 64, 128, 256 or 512, not '" + bits + "'");
        }
        if (wanted > preferred.vectorBitSize()) {
            throw new IllegalArgumentException(BITS_PROPERTY + "=" + wanted + " is wider than this CPU's "
                    + preferred.vectorBitSize() + "-bit vectors");
        }
        return switch (wanted) {
            case 64 -> FloatVector.SPECIES_64;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(BITS_PROPERTY + " must be 64, 128, 256 or 512, not " + wanted);
        };
    }

    /** Bit size of the preferred species of this CPU, whatever was forced. */
    public static int preferredBits() {
        return VectorShape.preferredShape().vectorBitSize();
    }
}
