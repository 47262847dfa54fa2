package org.vecformer.engine.kernel;

/**
 * Sizes every kernel family uses, in one place so that no kernel borrows another's helpers: how many rows one parallel
 * chunk of a row kernel takes, and integer rounding for blocking and packing.
 */
final class KernelSizes {
    /** About this many elements per parallel chunk: enough work to pay for handing a chunk to a thread. */
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private KernelSizes() {}

    /** Rows per parallel chunk for rows of {@code n} elements: {@code max(1, 2^15 / n)}. */
    static int rowGrain(int n) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, n));
    }

    /** ⌈x / y⌉ for x ≥ 0, y > 0. */
    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** The least multiple of {@code multiple} that is {@code >= x}. */
    static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
