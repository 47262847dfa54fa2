package org.vecformer.model.transformer;

/**
 * A block's Q, K, V projections packed for one GEMM:
 * <pre>
 *   wQkv [d_model, 3·n_heads·d_head]   wQkv[i][s·n_heads·d_head + h·d_head + e] = W_s[h][i][e],  s = Q, K, V
 *   bQkv [3·n_heads·d_head]            the same layout of b_Q|b_K|b_V (null without biases)
 * </pre>
 * so {@code x @ wQkv} is the fused QKV buffer whose column blocks are Q, K and V, head after head.
 */
record PackedBlock(float[] wQkv, float[] bQkv) {
    static PackedBlock of(Config c, Block b) {
        int dm = c.dModel(), hd = c.nHeads() * c.dHead(), ld = 3 * hd;
        float[] w = new float[dm * ld];
        fuseRows(c, new float[][] {b.wQ().data(), b.wK().data(), b.wV().data()}, 0, dm, w);
        float[] bias = null;
        if (c.biases()) {
            bias = new float[ld];
            System.arraycopy(b.bQ().data(), 0, bias, 0, hd);
            System.arraycopy(b.bK().data(), 0, bias, hd, hd);
            System.arraycopy(b.bV().data(), 0, bias, 2 * hd, hd);
        }
        return new PackedBlock(w, bias);
    }

    /** Rows {@code [from, to)} of the fused layout from W_Q, W_K, W_V [n_heads, d_model, d_head] ({@code ws}, in that order). */
    static void fuseRows(Config c, float[][] ws, int from, int to, float[] fused) {
        int h = c.nHeads(), dh = c.dHead(), dm = c.dModel(), hd = h * dh, ld = 3 * hd;
        for (int i = from; i < to; i++) {
            for (int s = 0; s < 3; s++) {
                for (int head = 0; head < h; head++) System.arraycopy(ws[s], (head * dm + i) * dh, fused, i * ld + s * hd + head * dh, dh);
            }
        }
    }

    /** The inverse of {@link #fuseRows}: rows {@code [from, to)} of the fused layout back into W_Q, W_K, W_V. */
    static void splitRows(Config c, float[] fused, int from, int to, float[][] ws) {
        int h = c.nHeads(), dh = c.dHead(), dm = c.dModel(), hd = h * dh, ld = 3 * hd;
        for (int i = from; i < to; i++) {
            for (int s = 0; s < 3; s++) {
                for (int head = 0; head < h; head++) System.arraycopy(fused, i * ld + s * hd + head * dh, ws[s], (head * dm + i) * dh, dh);
            }
        }
    }
}
