package org.vecformer.model.transformer;

import static org.vecformer.model.transformer.HookName.Hook;
import static org.vecformer.model.transformer.ParamName.Param;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.vecformer.engine.kernel.Attention;
import org.vecformer.engine.kernel.AttentionBackward;
import org.vecformer.engine.kernel.BiasBackward;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Softmax;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.tensor.Tensor;

/**
 * A block's attention with its layer norm ln1 (TransformerLens {@code blocks.{l}.ln1}, {@code blocks.{l}.attn}), rows
 * (batch, position), H heads of d_head:
 * <pre>
 *   x         = LN(resid)                                     [B·T, d_model]  (identity without normalization)
 *   qkv       = x @ wQkv + bQkv                               [rows, 3·H·d_head]  one GEMM (shortformer: (x + W_pos) feeds Q|K)
 *   z         = softmax(q kᵀ / sqrt(d_head), causal) v        [B·T, H·d_head]
 *   attn_out  = z @ W_O + b_O                                 [B·T, d_model]  (W_O viewed as [H·d_head, d_model])
 * </pre>
 * Parameters: {@code ln1.w|b} [d_model] ("LN" only), {@code attn.W_Q|W_K|W_V} [H, d_model, d_head], {@code attn.W_O}
 * [H, d_head, d_model], with biases {@code attn.b_Q|b_K|b_V} [H, d_head] and {@code attn.b_O} [d_model]. The QKV
 * buffer of sequence b, position i lives at row {@code b·(p+T) + i} of the pass's buffer, so a batch (p = 0) fills rows
 * 0..B·T and a KV cache (B = 1) appends rows p..p+T.
 */
record AttentionSublayer() implements BlockSublayer {
    private static final Hook[] QKV_HOOKS = {Hook.Q, Hook.K, Hook.V};
    private static final Param[] QKV_WEIGHTS = {Param.W_Q, Param.W_K, Param.W_V}, QKV_BIASES = {Param.B_Q, Param.B_K, Param.B_V};

    @Override
    public void params(Config c, int l, Map<ParamName, int[]> out) {
        if (c.normalization() == Normalization.LN) {
            out.put(ParamName.of(Param.LN1_W, l), new int[] {c.dModel()});
            if (c.biases()) out.put(ParamName.of(Param.LN1_B, l), new int[] {c.dModel()});
        }
        for (Param m : QKV_WEIGHTS) out.put(ParamName.of(m, l), new int[] {c.nHeads(), c.dModel(), c.dHead()});
        out.put(ParamName.of(Param.W_O, l), new int[] {c.nHeads(), c.dHead(), c.dModel()});
        if (c.biases()) {
            for (Param b : QKV_BIASES) out.put(ParamName.of(b, l), new int[] {c.nHeads(), c.dHead()});
            out.put(ParamName.of(Param.B_O, l), new int[] {c.dModel()});
        }
    }

    @Override
    public void hooks(Config c, int l, List<HookName> out) {
        if (c.normalization().normalizes()) {
            out.add(HookName.of(Hook.LN1_SCALE, l));
            out.add(HookName.of(Hook.LN1_NORMALIZED, l));
        }
        for (Hook h : new Hook[] {Hook.Q, Hook.K, Hook.V, Hook.ATTN_SCORES, Hook.PATTERN, Hook.Z, Hook.RESULT, Hook.ATTN_OUT}) {
            out.add(HookName.of(h, l));
        }
    }

    @Override
    public float[] forward(ForwardPass pass, int l, float[] resid) {
        Block blk = pass.w.blocks().get(l);
        float[] qkv = pass.qkv[l];
        float[] scale = pass.buffers.floats(pass.rows);
        float[] x = pass.layerNorm(HookName.of(Hook.LN1_SCALE, l), HookName.of(Hook.LN1_NORMALIZED, l), resid, blk.ln1W(), blk.ln1B(), scale);
        qkv(pass, l, x, qkv);
        for (int s = 0; s < 3; s++) qkvHook(pass, HookName.of(QKV_HOOKS[s], l), qkv, s);
        float[] z = attention(pass, l, qkv);
        if (pass.store != null) {
            pass.store.lnIn[l] = resid;
            pass.store.lnScale[l] = pass.c.normalization().normalizes() ? scale : null;
            pass.store.lnOut[l] = x;
            pass.store.qkv[l] = qkv;
            pass.store.z[l] = z;
        }
        float[] attnOut = output(pass, l, blk, z);
        pass.hook(HookName.of(Hook.ATTN_OUT, l), attnOut, pass.batch, pass.t, pass.dm);
        return attnOut;
    }

    /** Row of the QKV buffer holding sequence {@code b} at absolute position {@code pos}. */
    private static int qkvRow(ForwardPass pass, int b, int pos) {
        return b * (pass.p + pass.t) + pos;
    }

    /** Fills the QKV rows of the new positions: {@code x @ wQkv + bQkv}, Q|K columns from the positional kind's input if it has one. */
    private static void qkv(ForwardPass pass, int l, float[] x, float[] qkv) {
        PackedBlock pb = pass.forward.packed(l);
        int rows = pass.rows, dm = pass.dm, hd = pass.c.nHeads() * pass.c.dHead(), ld3 = 3 * hd;
        int out = qkvRow(pass, 0, pass.p) * ld3;
        float beta = 0f;
        if (pb.bQkv() != null) {
            for (int b = 0; b < pass.batch; b++) {
                for (int i = 0; i < pass.t; i++) System.arraycopy(pb.bQkv(), 0, qkv, qkvRow(pass, b, pass.p + i) * ld3, ld3);
            }
            beta = 1f;
        }
        float[] qkIn = pass.c.positionalEmbedding().queryKeyInput(x, () -> pass.pos, rows * dm, pass.buffers);
        if (qkIn == null) {
            Gemm.sgemm(Transpose.N, rows, ld3, dm, 1f, x, 0, dm, pb.qkv().get(), beta, qkv, out, ld3);
            return;
        }
        Gemm.sgemm(Transpose.N, Transpose.N, rows, 2 * hd, dm, 1f, qkIn, 0, dm, pb.wQkv(), 0, ld3, beta, qkv, out, ld3);
        Gemm.sgemm(Transpose.N, Transpose.N, rows, hd, dm, 1f, x, 0, dm, pb.wQkv(), 2 * hd, ld3, beta, qkv, out + 2 * hd, ld3);
    }

    /** Hook on column block {@code s} (0 = Q, 1 = K, 2 = V) of the QKV buffer, as [batch, pos, head_index, d_head]. */
    private static void qkvHook(ForwardPass pass, HookName name, float[] qkv, int s) {
        if (!pass.wants(name)) return;
        int rows = pass.rows, hd = pass.c.nHeads() * pass.c.dHead(), ld3 = 3 * hd;
        float[] act = Tensor.of(qkv, rows, ld3).columns(s * hd, hd).copy().data();
        pass.hook(name, act, pass.batch, pass.t, pass.c.nHeads(), pass.c.dHead());
        if (pass.hooked(name)) {
            for (int r = 0; r < rows; r++) System.arraycopy(act, r * hd, qkv, r * ld3 + s * hd, hd);
        }
    }

    /** Causal attention of every head: z [B·T, H·d_head], with the scores / pattern hooks when asked. */
    private static float[] attention(ForwardPass pass, int l, float[] qkv) {
        int batch = pass.batch, t = pass.t, p = pass.p, nHeads = pass.c.nHeads(), dHead = pass.c.dHead();
        int hd = nHeads * dHead, ld3 = 3 * hd, keys = p + t;
        float[] z = pass.buffers.floats(pass.rows * hd);
        HookName scoresName = HookName.of(Hook.ATTN_SCORES, l), patternName = HookName.of(Hook.PATTERN, l);
        boolean scoresFn = pass.hooked(scoresName), patternFn = pass.hooked(patternName);
        // the kernels write every element of z and of the pattern (zeros above the diagonal included)
        float[] pattern = pass.wants(patternName) || scoresFn || pass.store != null ? pass.buffers.floats(batch * nHeads * t * keys) : null;
        if (pass.store != null) pass.store.pattern[l] = pattern;
        if (pass.wants(scoresName)) {
            float[] scores = scores(pass, qkv);
            pass.hook(scoresName, scores, batch, nHeads, t, keys);
            if (scoresFn) {
                for (int bh = 0; bh < batch * nHeads; bh++) {
                    Softmax.softmax(scores, bh * t * keys, keys, t, keys, 1f, true, p, pattern, bh * t * keys, keys);
                }
            }
        }
        if (!scoresFn) {
            for (int b = 0; b < batch; b++) {
                int base = qkvRow(pass, b, 0) * ld3, patternOff = b * nHeads * t * keys;
                if (p == 0) {
                    Attention.causal(t, nHeads, dHead, qkv, base, qkv, base + hd, qkv, base + 2 * hd, ld3,
                            z, b * t * hd, hd, pattern, patternOff);
                } else {
                    Attention.decode(p, t, nHeads, dHead, qkv, base + p * ld3, ld3, qkv, base + hd, qkv, base + 2 * hd, ld3,
                            z, b * t * hd, hd, pattern, patternOff);
                }
            }
        }
        if (pattern != null) pass.hook(patternName, pattern, batch, nHeads, t, keys);
        if (scoresFn || patternFn) {
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < nHeads; h++) {
                    Gemm.sgemm(Transpose.N, Transpose.N, t, dHead, keys, 1f, pattern, (b * nHeads + h) * t * keys, keys,
                            qkv, qkvRow(pass, b, 0) * ld3 + 2 * hd + h * dHead, ld3, 0f, z, b * t * hd + h * dHead, hd);
                }
            }
        }
        pass.hook(HookName.of(Hook.Z, l), z, batch, t, nHeads, dHead);
        return z;
    }

    /** {@code scores[b][h][i][j] = q_i^h · k_j^h / sqrt(d_head)}, {@code -∞} for j after i: [B, H, T, p+T]. */
    private static float[] scores(ForwardPass pass, float[] qkv) {
        int batch = pass.batch, t = pass.t, p = pass.p, nHeads = pass.c.nHeads(), dHead = pass.c.dHead();
        int hd = nHeads * dHead, ld3 = 3 * hd, keys = p + t;
        float[] scores = new float[batch * nHeads * t * keys];
        float scale = (float) (1.0 / Math.sqrt(dHead));
        for (int b = 0; b < batch; b++) {
            int base = qkvRow(pass, b, 0) * ld3;
            for (int h = 0; h < nHeads; h++) {
                int off = (b * nHeads + h) * t * keys;
                Gemm.sgemm(Transpose.N, Transpose.T, t, keys, dHead, scale, qkv, base + p * ld3 + h * dHead, ld3,
                        qkv, base + hd + h * dHead, ld3, 0f, scores, off, keys);
                for (int i = 0; i < t; i++) Arrays.fill(scores, off + i * keys + p + i + 1, off + (i + 1) * keys, Float.NEGATIVE_INFINITY);
            }
        }
        return scores;
    }

    /** {@code attn_out = Σ_h z^h W_O^h + b_O}; through hook_result [B, T, H, d_model] only when it is asked for. */
    private static float[] output(ForwardPass pass, int l, Block blk, float[] z) {
        int rows = pass.rows, dm = pass.dm, nHeads = pass.c.nHeads(), dHead = pass.c.dHead(), hd = nHeads * dHead;
        float[] out = pass.buffers.floats(rows * dm);
        float beta = ForwardPass.fillRows(out, rows, blk.bO());
        float[] wO = blk.wO().data();
        HookName resultName = HookName.of(Hook.RESULT, l);
        if (!pass.wants(resultName)) {
            Gemm.sgemm(Transpose.N, rows, dm, hd, 1f, z, 0, hd, pass.forward.packed(l).o().get(), beta, out, 0, dm);
            return out;
        }
        float[] result = new float[rows * nHeads * dm];
        for (int h = 0; h < nHeads; h++) {
            Gemm.sgemm(Transpose.N, Transpose.N, rows, dm, dHead, 1f, z, h * dHead, hd, wO, h * dHead * dm, dm,
                    0f, result, h * dm, nHeads * dm);
        }
        pass.hook(resultName, result, pass.batch, pass.t, nHeads, dm);
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < nHeads; h++) VectorOps.add(dm, out, r * dm, result, (r * nHeads + h) * dm, out, r * dm);
        }
        return out;
    }

    /**
     * <pre>
     *   dW_O += zᵀ·dresid, db_O += Σ_rows dresid, dz = dresid·W_Oᵀ
     *   dQ|dK|dV through the stored pattern (AttentionBackward)
     *   dW_Q|K|V += xᵀ·dQ|dK|dV, db_Q|K|V += Σ_rows,  dx = dqkv·wQkvᵀ    (shortformer: Q|K read x + W_pos)
     *   dresid += LN backward(dx)
     * </pre>
     * reporting hook_attn_out, hook_z and hook_q|k|v to the listener on the way.
     */
    @Override
    public void backward(Backward bp, int l, float[] dResid) {
        Activations a = bp.activations;
        int nh = bp.c.nHeads(), dh = bp.c.dHead(), hd = nh * dh, dm = bp.c.dModel();
        Block blk = bp.w.blocks().get(l);
        bp.report(HookName.of(Hook.ATTN_OUT, l), dResid, 0, dm, dm, bp.batch, bp.t, dm);
        float[] dz = outputBackward(bp, l, bp.forward.packed(l), a.z[l], dResid);
        bp.report(HookName.of(Hook.Z, l), dz, 0, hd, hd, bp.batch, bp.t, nh, dh);
        float[] dQkv = attentionBackward(bp, a.qkv[l], a.pattern[l], dz);
        for (int s = 0; s < 3; s++) bp.report(HookName.of(QKV_HOOKS[s], l), dQkv, s * hd, hd, 3 * hd, bp.batch, bp.t, nh, dh);
        float[] dx = qkvBackward(bp, l, bp.forward.packed(l), a.lnOut[l], dQkv);
        bp.norm(a.lnIn[l], a.lnScale[l], blk.ln1W(), dx, dResid, ParamName.of(Param.LN1_W, l), ParamName.of(Param.LN1_B, l));
    }

    /**
     * attn_out = z·W_O + b_O with z [rows, H·d_head], W_O [H·d_head, d_model]: dW_O += zᵀ·dout, db_O += Σ_rows dout;
     * returns dz [rows, H·d_head] = dout·W_Oᵀ.
     */
    private static float[] outputBackward(Backward bp, int l, PackedBlock pb, float[] z, float[] dOut) {
        int rows = bp.rows, dm = bp.c.dModel(), hd = bp.c.nHeads() * bp.c.dHead();
        Gemm.sgemm(Transpose.T, Transpose.N, hd, dm, rows, 1f, z, 0, hd, dOut, 0, dm, bp.weightGradBeta(), bp.grad(ParamName.of(Param.W_O, l)), 0, dm);
        if (bp.c.biases()) BiasBackward.backward(rows, dm, dOut, 0, dm, bp.grad(ParamName.of(Param.B_O, l)), 0);
        float[] dz = bp.buffers.floats(rows * hd);
        Gemm.sgemm(Transpose.N, rows, hd, dm, 1f, dOut, 0, dm, pb.oT().get(), 0f, dz, 0, hd);
        return dz;
    }

    /** Causal attention of each sequence through its stored pattern [B, H, T, T]: dqkv [rows, 3·H·d_head]. */
    private static float[] attentionBackward(Backward bp, float[] qkv, float[] pattern, float[] dz) {
        int nh = bp.c.nHeads(), dh = bp.c.dHead(), hd = nh * dh, ld3 = 3 * hd, t = bp.t;
        float[] dQkv = bp.buffers.zeros(bp.rows * ld3);
        for (int b = 0; b < bp.batch; b++) {
            int base = b * t * ld3;
            AttentionBackward.causal(t, nh, dh, qkv, base, qkv, base + hd, qkv, base + 2 * hd, ld3,
                    pattern, b * nh * t * t, dz, b * t * hd, hd, dQkv, base, dQkv, base + hd, dQkv, base + 2 * hd, ld3);
        }
        return dQkv;
    }

    /**
     * qkv = in·wQkv + bQkv with in = x [rows, d_model] (shortformer: x + W_pos for the Q|K columns), wQkv
     * [d_model, 3·H·d_head]: dW_Q|K|V += inᵀ·dqkv (unpacked to [H, d_model, d_head], or written fused where the caller
     * asked for it, {@link Backward#fusedQkvGrad}), db_Q|K|V += Σ_rows dqkv;
     * returns dx [rows, d_model] = dqkv·wQkvᵀ (shortformer: the Q|K part also goes to dW_pos).
     */
    private static float[] qkvBackward(Backward bp, int l, PackedBlock pb, float[] x, float[] dQkv) {
        int rows = bp.rows, dm = bp.c.dModel(), hd = bp.c.nHeads() * bp.c.dHead(), ld3 = 3 * hd;
        float[] fused = bp.fusedQkvGrad(l), dW = fused != null ? fused : new float[dm * ld3], dx = bp.buffers.floats(rows * dm);
        if (bp.c.biases()) {
            for (int s = 0; s < 3; s++) BiasBackward.backward(rows, hd, dQkv, s * hd, ld3, bp.grad(ParamName.of(QKV_BIASES[s], l)), 0);
        }
        PositionalEmbedding positional = bp.c.positionalEmbedding();
        float[] qkIn = positional.queryKeyInput(x, () -> PositionalEmbedding.rows(bp.w, bp.batch, bp.t, 0, bp.buffers), rows * dm, bp.buffers);
        if (qkIn == null) {
            Gemm.sgemm(Transpose.T, Transpose.N, dm, ld3, rows, 1f, x, 0, dm, dQkv, 0, ld3, 0f, dW, 0, ld3);
            Gemm.sgemm(Transpose.N, rows, dm, ld3, 1f, dQkv, 0, ld3, pb.qkvT().get(), 0f, dx, 0, dm);
        } else {
            Gemm.sgemm(Transpose.T, Transpose.N, dm, 2 * hd, rows, 1f, qkIn, 0, dm, dQkv, 0, ld3, 0f, dW, 0, ld3);
            Gemm.sgemm(Transpose.T, Transpose.N, dm, hd, rows, 1f, x, 0, dm, dQkv, 2 * hd, ld3, 0f, dW, 2 * hd, ld3);
            Gemm.sgemm(Transpose.N, Transpose.T, rows, dm, 2 * hd, 1f, dQkv, 0, ld3, pb.wQkv(), 0, ld3, 0f, dx, 0, dm);
            PositionalEmbedding.addGradient(bp, dx);
            Gemm.sgemm(Transpose.N, Transpose.T, rows, dm, hd, 1f, dQkv, 2 * hd, ld3, pb.wQkv(), 2 * hd, ld3, 1f, dx, 0, dm);
        }
        if (fused == null) unpack(bp, l, dW);
        return dx;
    }

    /** Adds dW [d_model, 3·H·d_head] (the {@link PackedBlock} layout) into dW_Q, dW_K, dW_V [H, d_model, d_head]. */
    private static void unpack(Backward bp, int l, float[] dW) {
        float[][] ws = new float[3][];
        for (int s = 0; s < 3; s++) ws[s] = bp.grad(ParamName.of(QKV_WEIGHTS[s], l));
        PackedBlock.addFused(bp.c, new float[][] {dW}, 1, ws, new float[dW.length]);
    }
}
