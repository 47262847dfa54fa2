package org.vecformer.engine.io;

import java.util.Arrays;

/**
 * One header entry: a tensor of {@code dtype} and row-major {@code shape} stored in bytes
 * {@code [begin, end)} of the data buffer (the bytes after the header).
 */
public record SafetensorsTensor(String name, Dtype dtype, int[] shape, long begin, long end) {
    public SafetensorsTensor {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: Π shape (1 for a scalar, shape []). */
    public long numel() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Bytes of the data buffer the tensor occupies: {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsTensor t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape) + Long.hashCode(begin ^ end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
