package org.vecformer.engine.linalg;

import java.util.Arrays;

/**
 * A small dense matrix of doubles, row-major: entry (i, j) lives at {@code data[i·cols + j]}.
 *
 * <p>Meant for the sizes of circuit analysis (up to a few hundred on a side, or tall and thin like
 * [d_vocab, d_head]); the algorithms in this package work on copies, so a {@code Matrix} handed to them is
 * never changed. {@link #set} exists for building matrices, not for sharing mutable state.
 */
public final class Matrix {
    private final int rows, cols;
    private final double[] data; // [rows, cols] row-major

    /** The zero matrix of shape [rows, cols]. */
    public Matrix(int rows, int cols) {
        this(rows, cols, new double[checkedSize(rows, cols)]);
    }

    private Matrix(int rows, int cols, double[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape [" + rows + ", " + cols + "]");
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("matrix [" + rows + ", " + cols + "] is too large for one array");
        }
        return (int) size;
    }

    /** The matrix [rows, cols] whose row-major entries are {@code values} (copied). */
    public static Matrix of(int rows, int cols, double... values) {
        if (values.length != checkedSize(rows, cols)) {
            throw new IllegalArgumentException(values.length + " values cannot fill [" + rows + ", " + cols + "]");
        }
        return new Matrix(rows, cols, values.clone());
    }

    /** The identity I_n: {@code I[i][j] = (i == j ? 1 : 0)}. */
    public static Matrix identity(int n) {
        Matrix m = new Matrix(n, n);
        for (int i = 0; i < n; i++) m.data[i * n + i] = 1;
        return m;
    }

    /**
     * The [rows, cols] matrix read from a float run with leading dimension {@code ld}:
     * {@code M[i][j] = (double) data[off + i·ld + j]}.
     */
    public static Matrix fromFloats(float[] data, int off, int rows, int cols, int ld) {
        if (ld < cols) throw new IllegalArgumentException("leading dimension " + ld + " < cols " + cols);
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.data[i * cols + j] = data[off + i * ld + j];
        }
        return m;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** Entry M[i][j]. */
    public double get(int i, int j) {
        return data[index(i, j)];
    }

    /** Sets M[i][j] = v. */
    public void set(int i, int j, double v) {
        data[index(i, j)] = v;
    }

    private int index(int i, int j) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside [" + rows + ", " + cols + "]");
        }
        return i * cols + j;
    }

    /** A copy of row i: {@code M[i][0..cols)}. */
    public double[] row(int i) {
        if (i < 0 || i >= rows) throw new IndexOutOfBoundsException("row " + i + " outside [0, " + rows + ")");
        return Arrays.copyOfRange(data, i * cols, i * cols + cols);
    }

    /** The row-major entries, shared with this matrix (package use: the algorithms read it in place). */
    double[] data() {
        return data;
    }

    /** The product C = M·O, {@code C[i][j] = Σ_k M[i][k]·O[k][j]} (each sum in k order, from 0). */
    public Matrix multiply(Matrix o) {
        if (cols != o.rows) {
            throw new IllegalArgumentException("cannot multiply [" + rows + ", " + cols + "] by [" + o.rows + ", " + o.cols + "]");
        }
        Matrix c = new Matrix(rows, o.cols);
        int n = o.cols;
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                double aik = data[i * cols + k];
                int bk = k * n, ci = i * n;
                for (int j = 0; j < n; j++) c.data[ci + j] += aik * o.data[bk + j];
            }
        }
        return c;
    }

    /** The transpose Mᵀ, {@code Mᵀ[j][i] = M[i][j]}. */
    public Matrix transpose() {
        Matrix t = new Matrix(cols, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t.data[j * rows + i] = data[i * cols + j];
        }
        return t;
    }

    /** ‖M‖_F = sqrt(Σ_ij M[i][j]²), scaled to avoid overflow and underflow. */
    public double frobeniusNorm() {
        double scale = 0;
        for (double v : data) scale = Math.max(scale, Math.abs(v));
        if (scale == 0 || !Double.isFinite(scale)) return scale;
        double s = 0;
        for (double v : data) {
            double x = v / scale;
            s += x * x;
        }
        return scale * Math.sqrt(s);
    }

    /** The shape and, for matrices up to 12×12, the entries one row per line (for debugging). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Matrix[" + rows + ", " + cols + "]");
        if (rows > 12 || cols > 12) return sb.toString();
        for (int i = 0; i < rows; i++) {
            sb.append('\n');
            for (int j = 0; j < cols; j++) sb.append(String.format(" %12.6g", data[i * cols + j]));
        }
        return sb.toString();
    }
}
