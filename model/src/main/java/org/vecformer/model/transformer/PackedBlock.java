package org.vecformer.model.transformer;

import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.parallel.Parallel;

/**
 * A block's weights in the forms its GEMMs read. The Q, K, V projections packed for one GEMM:
 * <pre>
 *   wQkv [d_model, 3·n_heads·d_head]   wQkv[i][s·n_heads·d_head + h·d_head + e] = W_s[h][i][e],  s = Q, K, V
 *   bQkv [3·n_heads·d_head]            the same layout of b_Q|b_K|b_V (null without biases)
 * </pre>
 * so {@code x @ wQkv} is the fused QKV buffer whose column blocks are Q, K and V, head after head, and the
 * backward's dW_Q|K|V comes out of its GEMM in the same layout ({@link #addFused} adds it into the gradients).
 * And the B operands of the products by whole weights ({@link WeightOperand}): {@code qkv} = wQkv for x·wQkv,
 * {@code qkvT} = wQkvᵀ for dx = dqkv·wQkvᵀ, {@code o} = W_O [n_heads·d_head, d_model] for z·W_O, {@code oT} = W_Oᵀ
 * for dz = dout·W_Oᵀ.
 */
record PackedBlock(float[] wQkv, float[] bQkv, WeightOperand qkv, WeightOperand qkvT, WeightOperand o, WeightOperand oT) {
    /** Floats of the fused layout handled at a time by {@link #addFused}: 16 KiB per part, so the parts stay in L2. */
    private static final int STRETCH = 1 << 12;

    /**
     * Block {@code b}'s packed forms; its whole-weight operands packed on first use when {@code packAhead}. With
     * {@code previous} (the same block's packed forms in a forward no longer used, else null) they are written into its
     * arrays: the fused weights over its fused weights, the operands into its panels ({@link WeightOperand}).
     */
    static PackedBlock of(Config c, Block b, boolean packAhead, PackedBlock previous) {
        int dm = c.dModel(), hd = c.nHeads() * c.dHead(), ld = 3 * hd;
        float[] w = previous != null ? previous.wQkv : new float[dm * ld];
        fuseRows(c, new float[][] {b.wQ().data(), b.wK().data(), b.wV().data()}, 0, dm, w);
        float[] bias = null;
        if (c.biases()) {
            bias = previous != null ? previous.bQkv : new float[ld];
            System.arraycopy(b.bQ().data(), 0, bias, 0, hd);
            System.arraycopy(b.bK().data(), 0, bias, hd, hd);
            System.arraycopy(b.bV().data(), 0, bias, 2 * hd, hd);
        }
        float[] wO = b.wO().data();
        return new PackedBlock(w, bias, new WeightOperand(Transpose.N, dm, ld, w, ld, packAhead, previous == null ? null : previous.qkv),
                new WeightOperand(Transpose.T, ld, dm, w, ld, packAhead, previous == null ? null : previous.qkvT),
                new WeightOperand(Transpose.N, hd, dm, wO, dm, packAhead, previous == null ? null : previous.o),
                new WeightOperand(Transpose.T, dm, hd, wO, dm, packAhead, previous == null ? null : previous.oT));
    }

    /**
     * {@code ws[s][h][i][e] = (…(ws[s][h][i][e] + parts[0][i][s·hd + h·d_head + e]) + …) + parts[count-1][…]}: the
     * fused dW_Q|K|V of {@code count} parts added, in that order, into W_Q, W_K, W_V's gradients [n_heads, d_model,
     * d_head] ({@code ws}), each element rounded as {@link VectorOps#add} would. A stretch of rows at a time, the
     * gradients' rows are rearranged into {@code sum} (scratch, [d_model, 3·hd]), the parts added there with
     * {@link VectorOps#addAll}, and the rows rearranged back; rows are split across threads.
     */
    static void addFused(Config c, float[][] parts, int count, float[][] ws, float[] sum) {
        int ld = 3 * c.nHeads() * c.dHead();
        Parallel.forRange(c.dModel(), Math.max(1, STRETCH / ld), (from, to) -> {
            fuseRows(c, ws, from, to, sum);
            VectorOps.addAll((to - from) * ld, parts, count, from * ld, sum);
            splitRows(c, sum, from, to, ws);
        });
    }

    /** Rows {@code [from, to)} of the fused layout from W_Q, W_K, W_V [n_heads, d_model, d_head] ({@code ws}, in that order). */
    private static void fuseRows(Config c, float[][] ws, int from, int to, float[] fused) {
        int h = c.nHeads(), dh = c.dHead(), dm = c.dModel(), hd = h * dh, ld = 3 * hd;
        for (int i = from; i < to; i++) {
            for (int s = 0; s < 3; s++) {
                for (int head = 0; head < h; head++) System.arraycopy(ws[s], (head * dm + i) * dh, fused, i * ld + s * hd + head * dh, dh);
            }
        }
    }

    /** The inverse of {@link #fuseRows}: rows {@code [from, to)} of the fused layout back into W_Q, W_K, W_V. */
    private static void splitRows(Config c, float[] fused, int from, int to, float[][] ws) {
        int h = c.nHeads(), dh = c.dHead(), dm = c.dModel(), hd = h * dh, ld = 3 * hd;
        for (int i = from; i < to; i++) {
            for (int s = 0; s < 3; s++) {
                for (int head = 0; head < h; head++) System.arraycopy(fused, i * ld + s * hd + head * dh, ws[s], (head * dm + i) * dh, dh);
            }
        }
    }
}
