package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that decides which float vector species every kernel uses.
 *
 * <p>Default: {@link FloatVector#SPECIES_PREFERRED}. The system property {@code vecformer.simd.bits}
 * (64, 128, 256 or 512) forces a narrower (or equal) species so tests exercise tails and masks of
 * narrow machines on a wide one. A width wider than the CPU's cannot be honoured: the kernels then use the
 * CPU's own width and {@link #fallback()} says so (the CLI prints it, the forced-width test runs skip), as Lucene's
 * vectorization provider falls back rather than failing. The species is a {@code static final} constant so C2 can
 * intrinsify every kernel that reads it.
 */
public final class Simd {
    /** System property that forces a vector width in bits. */
    public static final String BITS_PROPERTY = "vecformer.simd.bits";

    /** The float species of every kernel. */
    public static final VectorSpecies<Float> F = choose(System.getProperty(BITS_PROPERTY));

    /** Why {@link #F} is not the width {@code vecformer.simd.bits} asked for, or null when it is (or nothing was asked). */
    private static final String FALLBACK = fallbackNote(System.getProperty(BITS_PROPERTY), F);

    /** Lanes of {@link #F}. */
    public static final int LANES = F.length();

    private Simd() {}

    static VectorSpecies<Float> choose(String bits) {
        return choose(bits, FloatVector.SPECIES_PREFERRED);
    }

    /** The species for a forced width {@code bits} (null: none) on a CPU whose widest is {@code preferred}. */
    static VectorSpecies<Float> choose(String bits, VectorSpecies<Float> preferred) {
        if (bits == null || bits.isBlank()) return preferred;
        int wanted;
        try {
            wanted = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BITS_PROPERTY + " must be 64, 128, 256 or 512, not '" + bits + "'");
        }
        if (wanted > preferred.vectorBitSize() && (wanted == 128 || wanted == 256 || wanted == 512)) return preferred;
        return switch (wanted) {
            case 64 -> FloatVector.SPECIES_64;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(BITS_PROPERTY + " must be 64, 128, 256 or 512, not " + wanted);
        };
    }

    /** The one-line note when the forced width was wider than this CPU's vectors and the kernels fell back to the CPU's. */
    public static java.util.Optional<String> fallback() {
        return java.util.Optional.ofNullable(FALLBACK);
    }

    static String fallbackNote(String bits, VectorSpecies<Float> chosen) {
        if (bits == null || bits.isBlank() || Integer.parseInt(bits.trim()) == chosen.vectorBitSize()) return null;
        return BITS_PROPERTY + "=" + bits.trim() + " is wider than this CPU's " + chosen.vectorBitSize()
                + "-bit vectors; the kernels use " + chosen.vectorBitSize() + "-bit vectors";
    }

    /** Bit size of the preferred species of this CPU, whatever was forced. */
    public static int preferredBits() {
        return VectorShape.preferredShape().vectorBitSize();
    }
}
