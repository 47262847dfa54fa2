package org.vecformer.model.patching;

/**
 * The metric of every patch of one site kind, flat with its shape: [n_layers][T] for resid_pre and attn_out,
 * [n_layers][n_heads] for head sites at all positions, [n_layers][n_heads][T] for head sites per position.
 */
public record SiteEffect(Site site, boolean perPosition, int[] shape, double[] values) {
    public SiteEffect {
        shape = shape.clone();
        values = values.clone();
        int n = 1;
        for (int d : shape) n *= d;
        if (n != values.length) throw new IllegalArgumentException(values.length + " values for a shape of " + n);
    }

    /** The values mapped through {@code runs.normalize}: (v − corrupt)/(clean − corrupt). */
    public SiteEffect normalized(PatchRuns runs) {
        double[] n = new double[values.length];
        for (int i = 0; i < n.length; i++) n[i] = runs.normalize(values[i]);
        return new SiteEffect(site, perPosition, shape, n);
    }

    /** The values as nested arrays of the shape: double[][] or double[][][]. */
    public Object nested() {
        if (shape.length == 2) return rows(0, shape[0], shape[1]);
        double[][][] out = new double[shape[0]][][];
        for (int i = 0; i < shape[0]; i++) out[i] = rows(i * shape[1] * shape[2], shape[1], shape[2]);
        return out;
    }

    /** Value at (i, j) of a rank-2 effect, or (i, j, k) of a rank-3 one. */
    public double at(int... index) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + index[d];
        return values[flat];
    }

    private double[][] rows(int from, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) System.arraycopy(values, from + r * cols, out[r], 0, cols);
        return out;
    }
}
