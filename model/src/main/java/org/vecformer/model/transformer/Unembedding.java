package org.vecformer.model.transformer;

import java.util.List;
import java.util.Map;
import org.vecformer.engine.kernel.BiasBackward;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.tensor.Tensor;

/**
 * The final layer norm and the unembedding: {@code logits = LN_final(resid) @ W_U + b_U}, with {@code ln_final.w|b}
 * [d_model] ("LN" only; b with biases), {@code unembed.W_U} [d_model, d_vocab], {@code unembed.b_U} [d_vocab]
 * (with biases), hooks {@code ln_final.hook_scale|hook_normalized} when the config normalizes.
 */
record Unembedding() implements Sublayer {
    private static final HookName SCALE = HookName.of(HookName.Hook.LN_FINAL_SCALE), NORMALIZED = HookName.of(HookName.Hook.LN_FINAL_NORMALIZED);
    private static final ParamName LN_W = ParamName.of(ParamName.Param.LN_FINAL_W), LN_B = ParamName.of(ParamName.Param.LN_FINAL_B),
            W_U = ParamName.of(ParamName.Param.W_U), B_U = ParamName.of(ParamName.Param.B_U);

    @Override
    public void params(Config c, int layer, Map<ParamName, int[]> out) {
        if (c.normalization() == Normalization.LN) {
            out.put(LN_W, new int[] {c.dModel()});
            if (c.biases()) out.put(LN_B, new int[] {c.dModel()});
        }
        out.put(W_U, new int[] {c.dModel(), c.dVocab()});
        if (c.biases()) out.put(B_U, new int[] {c.dVocab()});
    }

    @Override
    public void hooks(Config c, int layer, List<HookName> out) {
        if (!c.normalization().normalizes()) return;
        out.add(SCALE);
        out.add(NORMALIZED);
    }

    /**
     * ln_final and the unembedding of the final residual {@code resid} [B·T, d_model]: logits [B·T, d_vocab], or only
     * each sequence's last position [B, d_vocab] when {@code lastOnly}.
     */
    float[] forward(ForwardPass pass, float[] resid, boolean lastOnly) {
        Weights w = pass.w;
        int rows = pass.rows, dm = pass.dm, batch = pass.batch, t = pass.t;
        float[] scale = pass.buffers.floats(rows);
        float[] x = pass.layerNorm(SCALE, NORMALIZED, resid, w.lnFinalW(), w.lnFinalB(), scale);
        if (pass.store != null) {
            pass.store.finalIn = resid;
            pass.store.finalScale = pass.c.normalization().normalizes() ? scale : null;
            pass.store.finalOut = x;
        }
        int vocab = pass.c.dVocab();
        int outRows = lastOnly ? batch : rows;
        float[] logits = pass.buffers.floats(outRows * vocab);
        float beta = ForwardPass.fillRows(logits, outRows, w.bU());
        if (lastOnly) {
            for (int b = 0; b < batch; b++) {
                Gemm.sgemm(Transpose.N, Transpose.N, 1, vocab, dm, 1f, x, ((b + 1) * t - 1) * dm, dm, w.wU().data(), 0, vocab,
                        beta, logits, b * vocab, vocab);
            }
        } else {
            Gemm.sgemm(Transpose.N, rows, vocab, dm, 1f, x, 0, dm, pass.forward.unembed().get(), beta, logits, 0, vocab);
        }
        return logits;
    }

    /**
     * From dlogits [rows, d_vocab]: dW_U += xᵀ·dlogits, db_U += Σ_rows dlogits (x = ln_final's output), then ln_final's
     * backward; returns ∂/∂resid [rows, d_model].
     */
    float[] backward(Backward bp, Activations a, float[] dLogits) {
        Config c = bp.c;
        int rows = bp.rows, dm = c.dModel(), v = c.dVocab();
        Gemm.sgemm(Transpose.T, Transpose.N, dm, v, rows, 1f, a.finalOut, 0, dm, dLogits, 0, v, bp.weightGradBeta(), bp.grad(W_U), 0, v);
        if (c.biases()) BiasBackward.backward(rows, v, dLogits, 0, v, bp.grad(B_U), 0);
        float[] dx = bp.buffers.floats(rows * dm);
        Gemm.sgemm(Transpose.N, rows, dm, v, 1f, dLogits, 0, v, bp.forward.unembedT().get(), 0f, dx, 0, dm);
        return normBackward(bp, a, dx);
    }

    /**
     * dx [rows, d_model] = dlogits·W_Uᵀ without the unembedding's parameter gradients, one row at a time and only for
     * rows where dlogits is not zero, then ln_final's backward; dlogits is [rows, d_vocab], or [batch, d_vocab] of the
     * last positions when {@code lastOnly}. An objective on a few positions then costs a few d_vocab × d_model products
     * instead of a [rows, d_vocab] × [d_vocab, d_model] GEMM.
     */
    float[] inputBackward(Backward bp, Activations a, float[] dLogits, boolean lastOnly) {
        int v = bp.c.dVocab(), dm = bp.c.dModel();
        float[] dx = bp.buffers.zeros(bp.rows * dm);
        for (int r = 0; r < dLogits.length / v; r++) {
            boolean zero = true;
            for (int j = r * v; j < (r + 1) * v && zero; j++) zero = dLogits[j] == 0f;
            int row = lastOnly ? (r + 1) * bp.t - 1 : r;
            if (!zero) Gemm.sgemm(Transpose.N, Transpose.T, 1, dm, v, 1f, dLogits, r * v, v, bp.w.wU().data(), 0, v, 0f, dx, row * dm, dm);
        }
        return normBackward(bp, a, dx);
    }

    /** ln_final: dresid [rows, d_model] from dx = ∂/∂(its output) (dx itself without normalization). */
    private static float[] normBackward(Backward bp, Activations a, float[] dx) {
        if (!bp.c.normalization().normalizes()) return dx;
        float[] dResid = bp.buffers.zeros(bp.rows * bp.c.dModel());
        Tensor weight = bp.w.lnFinalW();
        bp.norm(a.finalIn, a.finalScale, weight, dx, dResid, LN_W, LN_B);
        return dResid;
    }
}
