package org.vecformer.model.transformer;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.vecformer.engine.kernel.EmbeddingBackward;
import org.vecformer.engine.kernel.VectorOps;

/**
 * TransformerLens {@code positional_embedding_type}, and where each kind lets {@code pos_embed.W_pos} [n_ctx, d_model]
 * enter the model: the residual stream (standard) or the input of Q and K (shortformer). Every kind offers
 * {@code hook_pos_embed} (W_pos rows of the positions, [batch, pos, d_model]); the forward and backward ask the kind
 * instead of testing which one it is.
 */
public enum PositionalEmbedding implements Sublayer {
    /** {@code "standard"}: {@code W_pos} is added to the residual stream after the embedding. */
    STANDARD("standard") {
        @Override
        public boolean addsToResidual() {
            return true;
        }

        @Override
        float[] residual(float[] embed, float[] pos, int n, Workspace buffers) {
            float[] resid = buffers.floats(n);
            VectorOps.add(n, embed, 0, pos, 0, resid, 0);
            return resid;
        }

        @Override
        float[] queryKeyInput(float[] x, Supplier<float[]> pos, int n, Workspace buffers) {
            return null;
        }

        @Override
        void residualBackward(Backward bp, float[] dResid) {
            addGradient(bp, dResid);
        }
    },
    /** {@code "shortformer"}: {@code W_pos} is added to the (normalized) input of Q and K only, never to V or the residual. */
    SHORTFORMER("shortformer") {
        @Override
        public boolean addsToResidual() {
            return false;
        }

        @Override
        float[] residual(float[] embed, float[] pos, int n, Workspace buffers) {
            return embed;
        }

        @Override
        float[] queryKeyInput(float[] x, Supplier<float[]> pos, int n, Workspace buffers) {
            float[] qkIn = buffers.floats(n);
            VectorOps.add(n, x, 0, pos.get(), 0, qkIn, 0);
            return qkIn;
        }

        @Override
        void residualBackward(Backward bp, float[] dResid) {}
    };

    private static final ParamName W_POS = ParamName.of(ParamName.Param.W_POS);
    private static final HookName HOOK = HookName.of(HookName.Hook.POS_EMBED);

    private final String tlName;

    PositionalEmbedding(String tlName) {
        this.tlName = tlName;
    }

    public String tlName() {
        return tlName;
    }

    public static PositionalEmbedding fromTl(String name) {
        for (PositionalEmbedding p : values()) {
            if (p.tlName.equals(name)) return p;
        }
        throw new IllegalArgumentException("positional_embedding_type must be \"standard\" or \"shortformer\", not \""
                + name + "\"");
    }

    @Override
    public void params(Config c, int layer, Map<ParamName, int[]> out) {
        out.put(W_POS, new int[] {c.nCtx(), c.dModel()});
    }

    @Override
    public void hooks(Config c, int layer, List<HookName> out) {
        out.add(HOOK);
    }

    /**
     * True when W_pos is part of the residual stream (so direct logit attribution has a positional component and
     * layer-norm weights fold into the matrices reading it); false when it joins only the input of Q and K.
     */
    public abstract boolean addsToResidual();

    /**
     * resid_pre of block 0 [n floats] from the token embedding and the positional rows {@code pos}, both [n floats]; a new
     * buffer comes from {@code buffers}.
     */
    abstract float[] residual(float[] embed, float[] pos, int n, Workspace buffers);

    /**
     * The input of the Q|K projections [n floats] when it is not the block's normalized residual {@code x}: x + the
     * positional rows (shortformer, in a buffer from {@code buffers}); null when Q, K and V all read x.
     */
    abstract float[] queryKeyInput(float[] x, Supplier<float[]> pos, int n, Workspace buffers);

    /** Adds into dW_pos what the positional rows receive through the residual stream from dResid [B·T, d_model]. */
    abstract void residualBackward(Backward bp, float[] dResid);

    /** W_pos rows p..p+T-1 for each of {@code batch} sequences: [B·T, d_model], in a buffer from {@code buffers}. */
    static float[] rows(Weights w, int batch, int t, int p, Workspace buffers) {
        int dm = w.config().dModel();
        float[] pos = buffers.floats(batch * t * dm);
        for (int b = 0; b < batch; b++) System.arraycopy(w.wPos().data(), p * dm, pos, b * t * dm, t * dm);
        return pos;
    }

    /**
     * The positional rows of a forward as the blocks see them: {@link #rows} through hook_pos_embed (an edit there is what
     * the blocks then see, as shortformer feeds it to Q|K); sets {@code pass.pos}.
     */
    float[] forward(ForwardPass pass) {
        pass.pos = rows(pass.w, pass.batch, pass.t, pass.p, pass.buffers);
        pass.hook(HOOK, pass.pos, pass.batch, pass.t, pass.dm);
        return pass.pos;
    }

    /** dW_pos[r mod T] += dRows[r] for dRows [B·T, d_model] of whole sequences (position 0 first), rows in order. */
    static void addGradient(Backward bp, float[] dRows) {
        int dm = bp.c.dModel();
        EmbeddingBackward.addPeriodic(bp.rows, dm, bp.t, dRows, 0, dm, bp.grad(W_POS), 0, dm);
    }
}
