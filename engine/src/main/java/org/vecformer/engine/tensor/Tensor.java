package org.vecformer.engine.tensor;

import java.util.Arrays;

/**
 * A shape over a row-major run of a {@code float[]}: element (i0, i1, ..., iN) lives at
 * {@code offset + Σ_d i_d·stride_d} with {@code stride_last = 1}.
 *
 * <p>Views share the array: {@link #slice(int)} drops the leading axis (a row, a head of an
 * [nHeads, T, dHead] block), {@link #columns(int, int)} narrows the last axis of a matrix (a head of a
 * [T, nHeads·dHead] block) and keeps the parent's leading dimension. Kernels take
 * {@code (data(), offset(), ld())} BLAS style.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    private Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /** A new zero tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Math.toIntExact(size(shape))], 0, shape.clone(), rowMajor(shape));
    }

    /** Wraps {@code data} (not copied) as a contiguous tensor; its length must equal the shape's product. */
    public static Tensor of(float[] data, int... shape) {
        if (size(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size(shape)
                    + " elements but the array has " + data.length);
        }
        return new Tensor(data, 0, shape.clone(), rowMajor(shape));
    }

    /** Number of elements of a shape; every dimension must be non-negative. */
    public static long size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static int[] rowMajor(int[] shape) {
        int[] s = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = stride;
            stride *= shape[d];
        }
        return s;
    }

    public float[] data() { return data; }

    public int offset() { return offset; }

    public int rank() { return shape.length; }

    public int dim(int axis) { return shape[axis]; }

    public int[] shape() { return shape.clone(); }

    /** Number of elements. */
    public int size() { return (int) size(shape); }

    /** Leading dimension of a matrix view: the distance between consecutive rows. */
    public int ld() {
        if (shape.length != 2) throw new IllegalStateException("ld() needs a matrix, shape is " + Arrays.toString(shape));
        return strides[0];
    }

    /** True when the elements are one run with no gaps. */
    public boolean isContiguous() {
        return Arrays.equals(strides, rowMajor(shape));
    }

    /** The view at index {@code i} of the leading axis (shape without its first dimension). */
    public Tensor slice(int i) {
        if (shape.length == 0) throw new IllegalStateException("cannot slice a scalar");
        if (i < 0 || i >= shape[0]) throw new IndexOutOfBoundsException("index " + i + " outside [0, " + shape[0] + ")");
        return new Tensor(data, offset + i * strides[0],
                Arrays.copyOfRange(shape, 1, shape.length), Arrays.copyOfRange(strides, 1, strides.length));
    }

    /** The matrix view of columns {@code [from, from+count)} of this matrix, with the same leading dimension. */
    public Tensor columns(int from, int count) {
        if (shape.length != 2) throw new IllegalStateException("columns() needs a matrix, shape is " + Arrays.toString(shape));
        if (from < 0 || count < 0 || from + count > shape[1]) {
            throw new IndexOutOfBoundsException("columns [" + from + ", " + (from + count) + ") outside [0, " + shape[1] + ")");
        }
        return new Tensor(data, offset + from, new int[] {shape[0], count}, strides.clone());
    }

    /** The same contiguous elements under another shape of equal size. */
    public Tensor reshape(int... newShape) {
        if (!isContiguous()) throw new IllegalStateException("reshape needs a contiguous tensor");
        if (size(newShape) != size(shape)) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, newShape.clone(), rowMajor(newShape));
    }

    /** Element at the given indices (one per axis). */
    public float get(int... idx) {
        return data[index(idx)];
    }

    /** Sets the element at the given indices (one per axis). */
    public void set(float value, int... idx) {
        data[index(idx)] = value;
    }

    private int index(int[] idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException(idx.length + " indices for a rank-" + shape.length + " tensor");
        }
        int at = offset;
        for (int d = 0; d < idx.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + idx[d] + " on axis " + d + " outside [0, " + shape[d] + ")");
            }
            at += idx[d] * strides[d];
        }
        return at;
    }

    /** A contiguous copy of this view. */
    public Tensor copy() {
        Tensor out = zeros(shape);
        copyInto(this, out.data, 0, 0, 0);
        return out;
    }

    private static int copyInto(Tensor src, float[] dst, int at, int axis, int base) {
        if (axis == src.shape.length) {
            dst[at] = src.data[src.offset + base];
            return at + 1;
        }
        for (int i = 0; i < src.shape[axis]; i++) at = copyInto(src, dst, at, axis + 1, base + i * src.strides[axis]);
        return at;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
