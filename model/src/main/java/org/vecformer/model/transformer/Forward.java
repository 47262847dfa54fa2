package org.vecformer.model.transformer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.tensor.Tensor;

/**
 * The forward pass of an attention-only transformer over {@code B} sequences of {@code T} new tokens at
 * positions {@code p..p+T-1} (p = 0 for a whole sequence, p &gt; 0 for one sequence continuing a KV cache).
 * Row vectors, flat row-major buffers; rows are (batch, position). It walks the {@link Architecture}'s pieces:
 * <pre>
 *   resid_0        = W_E[tok] (+ W_pos[pos])                      {@link TokenEmbedding}, {@link PositionalEmbedding} (standard adds W_pos)
 *   for each block l and each of its sublayers s:
 *     resid       += s(resid)                                    {@link AttentionSublayer}: z @ W_O + b_O of LN(resid)
 *   logits         = LN_final(resid_L) @ W_U + b_U               {@link Unembedding}  [B·T, d_vocab]
 * </pre>
 * Each block offers hook_resid_pre before its sublayers and hook_resid_post after them; each piece offers its own hook
 * points. GEMMs go through {@link Gemm#sgemm}; attention, layer norm and softmax through the engine's kernels. A training
 * forward ({@link #training}) also keeps in an {@link Activations} store what {@link Backward} needs.
 */
final class Forward {
    private final Config c;
    private final Weights w;
    private final Architecture arch;
    private final List<PackedBlock> packed;
    /** W_U [d_model, d_vocab] as the B operand of x·W_U, and W_Uᵀ of dx = dlogits·W_Uᵀ. */
    private final WeightOperand unembed, unembedT;

    /** A forward that multiplies by the weights in place. */
    Forward(Weights w) {
        this(w, false, null);
    }

    /**
     * With {@code packAhead}, each weight matrix is packed for the GEMM on its first product and the packed copy serves
     * every later one ({@link WeightOperand}): for a forward shared by many passes between two weight updates (the
     * shards of a training step). The weights must not change while such a forward is in use. The fused and packed
     * weights are written into the buffers of {@code previous} (a forward of the same weights before their update, no
     * longer used; null for none), so a training step allocates none for them.
     */
    Forward(Weights w, boolean packAhead, Forward previous) {
        this.c = w.config();
        this.w = w;
        this.arch = Architecture.of(c);
        Forward reused = previous != null && previous.w == w ? previous : null;
        this.packed = IntStream.range(0, c.nLayers())
                .mapToObj(l -> PackedBlock.of(c, w.blocks().get(l), packAhead, reused == null ? null : reused.packed.get(l))).toList();
        int dm = c.dModel(), v = c.dVocab();
        float[] wU = w.wU().data();
        this.unembed = new WeightOperand(Transpose.N, dm, v, wU, v, packAhead, reused == null ? null : reused.unembed);
        this.unembedT = new WeightOperand(Transpose.T, v, dm, wU, v, packAhead, reused == null ? null : reused.unembedT);
    }

    Config config() {
        return c;
    }

    Weights weights() {
        return w;
    }

    Architecture architecture() {
        return arch;
    }

    /** The fused Q|K|V weights of block {@code l} and its weights' GEMM operands. */
    PackedBlock packed(int l) {
        return packed.get(l);
    }

    /** W_U as the B operand of x·W_U. */
    WeightOperand unembed() {
        return unembed;
    }

    /** W_Uᵀ as the B operand of dx = dlogits·W_Uᵀ. */
    WeightOperand unembedT() {
        return unembedT;
    }

    /** resid_pre of block 0 ([B·T, d_model]) from the tokens, offering hook_embed and hook_pos_embed; sets {@code pass.pos}. */
    private float[] embed(ForwardPass pass, int[] tokens) {
        float[] embed = arch.embedding().forward(pass, tokens);
        float[] pos = arch.positional().forward(pass);
        return arch.positional().residual(embed, pos, pass.rows * pass.dm, pass.buffers);
    }

    /** One block: resid_post = resid_pre + the sum of its sublayers' outputs, each reading the residual as it stands. */
    private float[] block(ForwardPass pass, int l, float[] resid) {
        pass.hook(HookName.of(HookName.Hook.RESID_PRE, l), resid, pass.batch, pass.t, pass.dm);
        for (BlockSublayer sub : arch.block()) {
            float[] out = sub.forward(pass, l, resid);
            float[] next = pass.buffers.floats(pass.rows * pass.dm);
            VectorOps.add(pass.rows * pass.dm, resid, 0, out, 0, next, 0);
            resid = next;
        }
        pass.hook(HookName.of(HookName.Hook.RESID_POST, l), resid, pass.batch, pass.t, pass.dm);
        return resid;
    }

    /**
     * Blocks {@code first..L-1} from {@code resid} = resid_pre of block {@code first} (resid_post of the last block
     * when {@code first} = L), then the unembedding: logits [B·T, d_vocab], or only each sequence's last position
     * [B, d_vocab] when {@code lastOnly}.
     */
    private float[] fromLayer(ForwardPass pass, int first, float[] resid, boolean lastOnly) {
        for (int l = first; l < c.nLayers(); l++) resid = block(pass, l, resid);
        return arch.unembedding().forward(pass, resid, lastOnly);
    }

    private float[] logits(ForwardPass pass, int[] tokens, boolean lastOnly) {
        return fromLayer(pass, 0, embed(pass, tokens), lastOnly);
    }

    /** Per layer from {@code from} on, a QKV buffer [rows, 3·H·d_head] that the pass fills whole. */
    private float[][] qkvBuffers(int rows, int from, Workspace buffers) {
        float[][] qkv = new float[c.nLayers()][];
        for (int l = from; l < c.nLayers(); l++) qkv[l] = buffers.floats(rows * c.qkvWidth());
        return qkv;
    }

    /** Logits [B·T, d_vocab] of a batch of whole sequences (flat tokens [B·T]); fills {@code cache} as the hooks ask. */
    float[] batch(int[] tokens, int batch, int t, Hooks hooks, Map<String, Tensor> cache) {
        return batch(tokens, batch, t, hooks, cache, false);
    }

    /** {@link #batch(int[], int, int, Hooks, Map)}; with {@code lastOnly} the logits of each sequence's last position [B, d_vocab]. */
    float[] batch(int[] tokens, int batch, int t, Hooks hooks, Map<String, Tensor> cache, boolean lastOnly) {
        ForwardPass pass = new ForwardPass(this, batch, t, 0, hooks, null, Workspace.FRESH, qkvBuffers(batch * t, 0, Workspace.FRESH));
        float[] logits = logits(pass, tokens, lastOnly);
        cache.putAll(pass.cache);
        return logits;
    }

    /**
     * The residual stream before block {@code stop} ([B·T, d_model]; {@code stop} = n_layers: after the last block) of a
     * batch of whole sequences: blocks 0..stop-1 only, offering their hook points, and no ln_final or unembedding
     * (TransformerLens' {@code stop_at_layer}).
     */
    float[] untilLayer(int stop, int[] tokens, int batch, int t, Hooks hooks, Map<String, Tensor> cache) {
        float[][] qkv = new float[c.nLayers()][];
        for (int l = 0; l < stop; l++) qkv[l] = new float[batch * t * c.qkvWidth()];
        ForwardPass pass = new ForwardPass(this, batch, t, 0, hooks, null, Workspace.FRESH, qkv);
        float[] resid = embed(pass, tokens);
        for (int l = 0; l < stop; l++) resid = block(pass, l, resid);
        cache.putAll(pass.cache);
        return resid;
    }

    /**
     * Resumes a forward of {@code batch} whole sequences of {@code t} tokens at block {@code first} from its resid_pre
     * {@code residPre} [B·T, d_model] (not changed; block {@code first} = n_layers means the final residual): runs blocks
     * first..L-1 (offering their hook points) and the unembedding. Returns logits [B·T, d_vocab], or [B, d_vocab] of each
     * sequence's last position when {@code lastOnly}. The positional rows are recomputed, not hooked (shortformer feeds
     * them to Q|K).
     */
    float[] resume(int first, float[] residPre, int batch, int t, Hooks hooks, Map<String, Tensor> cache, boolean lastOnly) {
        ForwardPass pass = new ForwardPass(this, batch, t, 0, hooks, null, Workspace.FRESH, qkvBuffers(batch * t, first, Workspace.FRESH));
        pass.pos = PositionalEmbedding.rows(w, batch, t, 0, Workspace.FRESH);
        float[] logits = fromLayer(pass, first, residPre, lastOnly);
        cache.putAll(pass.cache);
        return logits;
    }

    /** Logits [T, d_vocab] of {@code tokens} at positions p..p+T-1, appending their Q|K|V rows to {@code kvCache[l]} [n_ctx, 3·H·d_head]. */
    float[] extend(int[] tokens, int p, float[][] kvCache) {
        return logits(new ForwardPass(this, 1, tokens.length, p, Hooks.none(), null, Workspace.FRESH, kvCache), tokens, false);
    }

    /**
     * Logits [B·T, d_vocab] of a batch of whole sequences (flat tokens [B·T]), keeping in {@code store} what the backward
     * needs; logits and activations are taken from {@code buffers}.
     */
    float[] training(int[] tokens, int batch, int t, Activations store, Workspace buffers) {
        return training(tokens, batch, t, store, Hooks.none(), new LinkedHashMap<>(), false, buffers);
    }

    /**
     * {@link #training(int[], int, int, Activations, Workspace)} that also caches into {@code cache} the activations
     * {@code hooks} ask for; with {@code lastOnly} the logits of each sequence's last position [B, d_vocab].
     */
    float[] training(int[] tokens, int batch, int t, Activations store, Hooks hooks, Map<String, Tensor> cache, boolean lastOnly,
                     Workspace buffers) {
        ForwardPass pass = new ForwardPass(this, batch, t, 0, hooks, store, buffers, qkvBuffers(batch * t, 0, buffers));
        float[] logits = logits(pass, tokens, lastOnly);
        cache.putAll(pass.cache);
        return logits;
    }
}
