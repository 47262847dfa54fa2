package org.vecformer.model.transformer;

import java.util.List;
import java.util.Map;
import org.vecformer.engine.kernel.Embedding;
import org.vecformer.engine.kernel.EmbeddingBackward;

/** The token embedding {@code embed.W_E} [d_vocab, d_model]: {@code hook_embed = W_E[tok]}; backward {@code dW_E[tok] += dresid}. */
record TokenEmbedding() implements Sublayer {
    @Override
    public void params(Config c, int layer, Map<ParamName, int[]> out) {
        out.put(ParamName.of(ParamName.Param.W_E), new int[] {c.dVocab(), c.dModel()});
    }

    @Override
    public void hooks(Config c, int layer, List<HookName> out) {
        out.add(HookName.of(HookName.Hook.EMBED));
    }

    /** {@code W_E[tok]} [B·T, d_model] of the flat tokens [B·T], through hook_embed. */
    float[] forward(ForwardPass pass, int[] tokens) {
        int dm = pass.dm;
        float[] embed = pass.buffers.floats(pass.rows * dm);
        Embedding.gather(dm, tokens, pass.w.wE().data(), 0, dm, pass.c.dVocab(), embed, 0, dm);
        pass.hook(HookName.of(HookName.Hook.EMBED), embed, pass.batch, pass.t, dm);
        return embed;
    }

    /** dW_E[tok] += dResid [B·T, d_model], rows in order. */
    void backward(Backward bp, int[] tokens, float[] dResid) {
        int dm = bp.c.dModel();
        EmbeddingBackward.scatterAdd(dm, tokens, dResid, 0, dm, bp.grad(ParamName.of(ParamName.Param.W_E)), 0, dm, bp.c.dVocab());
    }
}
