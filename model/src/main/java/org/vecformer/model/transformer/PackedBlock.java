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
        int dm = c.dModel(), h = c.nHeads(), dh = c.dHead(), hd = h * dh, ld = 3 * hd;
        float[] w = new float[dm * ld];
        float[][] ws = {b.wQ().data(), b.wK().data(), b.wV().data()};
        for (int s = 0; s < 3; s++) {
            for (int head = 0; head < h; head++) {
                for (int i = 0; i < dm; i++) System.arraycopy(ws[s], (head * dm + i) * dh, w, i * ld + s * hd + head * dh, dh);
            }
        }
        float[] bias = null;
        if (c.biases()) {
            bias = new float[ld];
            System.arraycopy(b.bQ().data(), 0, bias, 0, hd);
            System.arraycopy(b.bK().data(), 0, bias, hd, hd);
            System.arraycopy(b.bV().data(), 0, bias, 2 * hd, hd);
        }
        return new PackedBlock(w, bias);
    }
}
