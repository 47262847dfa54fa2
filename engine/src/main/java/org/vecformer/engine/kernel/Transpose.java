package org.vecformer.engine.kernel;

/** BLAS {@code op(X)}: the matrix as stored ({@link #N}) or its transpose ({@link #T}). */
public enum Transpose {
    N, T;

    /** Element (row, col) of {@code op(X)} where X is row-major at {@code off} with leading dimension {@code ld}. */
    public int index(int off, int ld, int row, int col) {
        return this == N ? off + row * ld + col : off + col * ld + row;
    }
}
