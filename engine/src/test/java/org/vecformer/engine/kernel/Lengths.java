package org.vecformer.engine.kernel;

import java.util.Random;
import java.util.stream.IntStream;

/** Awkward lengths for kernel tests: 0, 1, around one and two vectors of the active species, primes, and a long run. */
public final class Lengths {
    private Lengths() {}

    public static IntStream awkward() {
        int l = Simd.LANES;
        return IntStream.of(0, 1, 2, 3, l - 1, l, l + 1, 2 * l - 1, 2 * l, 2 * l + 1, 7, 13, 31, 61, 127, 257, 1009)
                .filter(n -> n >= 0).distinct().sorted();
    }

    /** Uniform floats in [-1, 1) from a seeded generator, with {@code pad} extra junk elements at the front. */
    public static float[] random(Random rnd, int n, int pad) {
        float[] x = new float[n + pad];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }
}
