package org.vecformer.model.transformer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vecformer.engine.kernel.Attention;
import org.vecformer.engine.kernel.Embedding;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.LayerNorm;
import org.vecformer.engine.kernel.Softmax;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.tensor.Tensor;

/**
 * The forward pass of an attention-only transformer over {@code B} sequences of {@code T} new tokens at
 * positions {@code p..p+T-1} (p = 0 for a whole sequence, p &gt; 0 for one sequence continuing a KV cache).
 * Row vectors, flat row-major buffers; rows are (batch, position):
 * <pre>
 *   resid_0        = W_E[tok] + W_pos[pos]                       (standard; shortformer: W_E[tok])
 *   x              = LN(resid_l)                                  [B·T, d_model]  (identity without normalization)
 *   qkv            = x @ wQkv + bQkv                              [rows, 3·H·d_head]  one GEMM (shortformer: (x + W_pos) feeds the Q|K columns)
 *   z              = softmax(q kᵀ / sqrt(d_head), causal) v       [B·T, H·d_head]
 *   attn_out       = z @ W_O + b_O                                [B·T, d_model]  (W_O viewed as [H·d_head, d_model])
 *   resid_{l+1}    = resid_l + attn_out
 *   logits         = LN_final(resid_L) @ W_U + b_U               [B·T, d_vocab]
 * </pre>
 * The QKV buffer of sequence b, position i lives at row {@code b·(p+T) + i} of the caller's buffer, so a
 * batch (p = 0) fills rows 0..B·T and a KV cache (B = 1) appends rows p..p+T.
 * GEMMs go through {@link Gemm#sgemm}; attention, layer norm and softmax through the engine's kernels. A training
 * forward ({@link #training}) also keeps in an {@link Activations} store what {@link Backward} needs.
 */
final class Forward {
    private final Config c;
    private final Weights w;
    private final List<PackedBlock> packed;

    Forward(Weights w) {
        this.c = w.config();
        this.w = w;
        this.packed = w.blocks().stream().map(b -> PackedBlock.of(c, b)).toList();
    }

    Config config() {
        return c;
    }

    /** The work of one call: sizes, hooks and the activation cache being filled. */
    private final class Pass {
        final int batch, t, p, rows, dm, nHeads, dHead, hd, ld3;
        final Hooks hooks;
        final Activations store;
        final Map<String, Tensor> cache = new LinkedHashMap<>();

        Pass(int batch, int t, int p, Hooks hooks, Activations store) {
            this.batch = batch;
            this.t = t;
            this.p = p;
            this.rows = batch * t;
            this.dm = c.dModel();
            this.nHeads = c.nHeads();
            this.dHead = c.dHead();
            this.hd = nHeads * dHead;
            this.ld3 = 3 * hd;
            this.hooks = hooks;
            this.store = store;
        }

        /** Applies the hook function at {@code name} (if any) to {@code data} viewed as {@code shape}, and caches it if asked. */
        void hook(String name, float[] data, int... shape) {
            if (!hooks.wants(name)) return;
            Tensor act = Tensor.of(data, shape);
            HookFn fn = hooks.fns().get(name);
            if (fn != null) {
                Tensor out = fn.apply(act, name);
                if (out != act) {
                    if (out == null || !Arrays.equals(out.shape(), act.shape())) {
                        throw new IllegalArgumentException("hook " + name + " must return shape " + Arrays.toString(shape)
                                + ", not " + (out == null ? "null" : Arrays.toString(out.shape())));
                    }
                    System.arraycopy(out.copy().data(), 0, data, 0, data.length);
                }
            }
            if (hooks.cache().test(name)) cache.put(name, act.copy());
        }

        /** Row of the QKV buffer holding sequence {@code b} at absolute position {@code pos}. */
        int qkvRow(int b, int pos) {
            return b * (p + t) + pos;
        }

        float[] logits(int[] tokens, float[][] qkvBuffers) {
            return logits(tokens, qkvBuffers, false);
        }

        float[] logits(int[] tokens, float[][] qkvBuffers, boolean lastOnly) {
            float[] pos = positions();
            return fromLayer(0, embed(tokens, pos), pos, qkvBuffers, lastOnly);
        }

        /**
         * resid_pre of block 0 ([B·T, d_model]) from the tokens and {@code pos} = {@link #positions()}, offering
         * hook_embed and hook_pos_embed (an edit of {@code pos} there is what the blocks then see, as shortformer feeds
         * it to Q|K).
         */
        float[] embed(int[] tokens, float[] pos) {
            float[] embed = new float[rows * dm];
            Embedding.gather(w.wE().data(), c.dVocab(), dm, tokens, embed);
            hook("hook_embed", embed, batch, t, dm);
            hook("hook_pos_embed", pos, batch, t, dm);
            if (c.positionalEmbedding() != PositionalEmbedding.STANDARD) return embed;
            float[] resid = new float[rows * dm];
            VectorOps.add(rows * dm, embed, 0, pos, 0, resid, 0);
            return resid;
        }

        /** W_pos rows p..p+T-1 for every sequence: [B·T, d_model]. */
        float[] positions() {
            float[] pos = new float[rows * dm];
            for (int b = 0; b < batch; b++) System.arraycopy(w.wPos().data(), p * dm, pos, b * t * dm, t * dm);
            return pos;
        }

        /**
         * Blocks {@code first..L-1} from {@code resid} = resid_pre of block {@code first} (resid_post of the last block
         * when {@code first} = L), then ln_final and the unembedding: logits [B·T, d_vocab], or only each sequence's last
         * position [B, d_vocab] when {@code lastOnly}.
         */
        float[] fromLayer(int first, float[] resid, float[] pos, float[][] qkvBuffers, boolean lastOnly) {
            for (int l = first; l < c.nLayers(); l++) resid = block(l, resid, pos, qkvBuffers[l]);
            float[] scale = new float[rows];
            float[] x = layerNorm("ln_final.", resid, w.lnFinalW(), w.lnFinalB(), scale);
            if (store != null) {
                store.finalIn = resid;
                store.finalScale = c.normalization().normalizes() ? scale : null;
                store.finalOut = x;
            }
            int vocab = c.dVocab();
            int outRows = lastOnly ? batch : rows;
            float[] logits = new float[outRows * vocab];
            float beta = fillRows(logits, outRows, w.bU());
            if (lastOnly) {
                for (int b = 0; b < batch; b++) {
                    Gemm.sgemm(Transpose.N, Transpose.N, 1, vocab, dm, 1f, x, ((b + 1) * t - 1) * dm, dm, w.wU().data(), 0, vocab,
                            beta, logits, b * vocab, vocab);
                }
            } else {
                Gemm.sgemm(Transpose.N, Transpose.N, rows, vocab, dm, 1f, x, 0, dm, w.wU().data(), 0, vocab, beta, logits, 0, vocab);
            }
            return logits;
        }

        /** One attention-only block: returns resid_post = resid_pre + attn_out. */
        float[] block(int l, float[] resid, float[] pos, float[] qkv) {
            String name = "blocks." + l + ".";
            Block blk = w.blocks().get(l);
            hook(name + "hook_resid_pre", resid, batch, t, dm);
            float[] scale = new float[rows];
            float[] x = layerNorm(name + "ln1.", resid, blk.ln1W(), blk.ln1B(), scale);
            qkv(l, x, pos, qkv);
            for (int s = 0; s < 3; s++) qkvHook(name + "attn.hook_" + "qkv".charAt(s), qkv, s);
            float[] z = attention(l, name + "attn.", qkv);
            if (store != null) {
                store.lnIn[l] = resid;
                store.lnScale[l] = c.normalization().normalizes() ? scale : null;
                store.lnOut[l] = x;
                store.qkv[l] = qkv;
                store.z[l] = z;
            }
            float[] attnOut = output(name + "attn.", blk, z);
            hook(name + "hook_attn_out", attnOut, batch, t, dm);
            float[] post = new float[rows * dm];
            VectorOps.add(rows * dm, resid, 0, attnOut, 0, post, 0);
            hook(name + "hook_resid_post", post, batch, t, dm);
            return post;
        }

        /**
         * LN / LNPre over rows (hooks {@code hook_scale}, {@code hook_normalized}); the input itself without
         * normalization. A hook that replaces the scale s by s' rescales the output as TransformerLens
         * divides by the hooked scale: {@code out' = (out - b)·s/s' + b}. Writes the (hooked) scale [rows] to {@code scale}.
         */
        float[] layerNorm(String name, float[] x, Tensor weight, Tensor bias, float[] scale) {
            if (!c.normalization().normalizes()) return x;
            float[] out = new float[rows * dm];
            float[] b = bias == null ? null : bias.data();
            LayerNorm.forward(x, 0, dm, rows, dm, weight == null ? null : weight.data(), b, (float) c.eps(), out, 0, dm, scale);
            String scaleName = name + "hook_scale";
            if (hooks.fns().containsKey(scaleName)) {
                float[] before = scale.clone();
                hook(scaleName, scale, batch, t, 1);
                for (int r = 0; r < rows; r++) {
                    if (scale[r] == before[r]) continue;
                    int row = r * dm;
                    if (b != null) VectorOps.axpy(dm, -1f, b, 0, out, row);
                    VectorOps.scale(dm, before[r] / scale[r], out, row);
                    if (b != null) VectorOps.axpy(dm, 1f, b, 0, out, row);
                }
            } else {
                hook(scaleName, scale, batch, t, 1);
            }
            hook(name + "hook_normalized", out, batch, t, dm);
            return out;
        }

        /** Fills the QKV rows of the new positions: {@code x @ wQkv + bQkv}, Q|K columns from {@code x + pos} in shortformer. */
        void qkv(int l, float[] x, float[] pos, float[] qkv) {
            PackedBlock pb = packed.get(l);
            int out = qkvRow(0, p) * ld3;
            float beta = 0f;
            if (pb.bQkv() != null) {
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < t; i++) System.arraycopy(pb.bQkv(), 0, qkv, qkvRow(b, p + i) * ld3, ld3);
                }
                beta = 1f;
            }
            if (c.positionalEmbedding() == PositionalEmbedding.STANDARD) {
                Gemm.sgemm(Transpose.N, Transpose.N, rows, ld3, dm, 1f, x, 0, dm, pb.wQkv(), 0, ld3, beta, qkv, out, ld3);
                return;
            }
            float[] qkIn = new float[rows * dm];
            VectorOps.add(rows * dm, x, 0, pos, 0, qkIn, 0);
            Gemm.sgemm(Transpose.N, Transpose.N, rows, 2 * hd, dm, 1f, qkIn, 0, dm, pb.wQkv(), 0, ld3, beta, qkv, out, ld3);
            Gemm.sgemm(Transpose.N, Transpose.N, rows, hd, dm, 1f, x, 0, dm, pb.wQkv(), 2 * hd, ld3, beta, qkv, out + 2 * hd, ld3);
        }

        /** Hook on column block {@code s} (0 = Q, 1 = K, 2 = V) of the QKV buffer, as [batch, pos, head_index, d_head]. */
        void qkvHook(String name, float[] qkv, int s) {
            if (!hooks.wants(name)) return;
            float[] act = Tensor.of(qkv, rows, ld3).columns(s * hd, hd).copy().data();
            hook(name, act, batch, t, nHeads, dHead);
            if (hooks.fns().containsKey(name)) {
                for (int r = 0; r < rows; r++) System.arraycopy(act, r * hd, qkv, r * ld3 + s * hd, hd);
            }
        }

        /** Causal attention of every head: z [B·T, H·d_head], with the scores / pattern hooks when asked. */
        float[] attention(int l, String name, float[] qkv) {
            int keys = p + t;
            float[] z = new float[rows * hd];
            String scoresName = name + "hook_attn_scores", patternName = name + "hook_pattern";
            boolean scoresFn = hooks.fns().containsKey(scoresName), patternFn = hooks.fns().containsKey(patternName);
            float[] pattern = hooks.wants(patternName) || scoresFn || store != null ? new float[batch * nHeads * t * keys] : null;
            if (store != null) store.pattern[l] = pattern;
            if (hooks.wants(scoresName)) {
                float[] scores = scores(qkv);
                hook(scoresName, scores, batch, nHeads, t, keys);
                if (scoresFn) {
                    for (int bh = 0; bh < batch * nHeads; bh++) {
                        Softmax.softmax(scores, bh * t * keys, keys, t, keys, 1f, true, p, pattern, bh * t * keys, keys);
                    }
                }
            }
            if (!scoresFn) {
                for (int b = 0; b < batch; b++) {
                    int base = qkvRow(b, 0) * ld3, patternOff = b * nHeads * t * keys;
                    if (p == 0) {
                        Attention.causal(t, nHeads, dHead, qkv, base, qkv, base + hd, qkv, base + 2 * hd, ld3,
                                z, b * t * hd, hd, pattern, patternOff);
                    } else {
                        Attention.decode(p, t, nHeads, dHead, qkv, base + p * ld3, ld3, qkv, base + hd, qkv, base + 2 * hd, ld3,
                                z, b * t * hd, hd, pattern, patternOff);
                    }
                }
            }
            if (pattern != null) hook(patternName, pattern, batch, nHeads, t, keys);
            if (scoresFn || patternFn) {
                for (int b = 0; b < batch; b++) {
                    for (int h = 0; h < nHeads; h++) {
                        Gemm.sgemm(Transpose.N, Transpose.N, t, dHead, keys, 1f, pattern, (b * nHeads + h) * t * keys, keys,
                                qkv, qkvRow(b, 0) * ld3 + 2 * hd + h * dHead, ld3, 0f, z, b * t * hd + h * dHead, hd);
                    }
                }
            }
            hook(name + "hook_z", z, batch, t, nHeads, dHead);
            return z;
        }

        /** {@code scores[b][h][i][j] = q_i^h · k_j^h / sqrt(d_head)}, {@code -∞} for j after i: [B, H, T, p+T]. */
        float[] scores(float[] qkv) {
            int keys = p + t;
            float[] scores = new float[batch * nHeads * t * keys];
            float scale = (float) (1.0 / Math.sqrt(dHead));
            for (int b = 0; b < batch; b++) {
                int base = qkvRow(b, 0) * ld3;
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
        float[] output(String name, Block blk, float[] z) {
            float[] out = new float[rows * dm];
            float beta = fillRows(out, rows, blk.bO());
            float[] wO = blk.wO().data();
            String resultName = name + "hook_result";
            if (!hooks.wants(resultName)) {
                Gemm.sgemm(Transpose.N, Transpose.N, rows, dm, hd, 1f, z, 0, hd, wO, 0, dm, beta, out, 0, dm);
                return out;
            }
            float[] result = new float[rows * nHeads * dm];
            for (int h = 0; h < nHeads; h++) {
                Gemm.sgemm(Transpose.N, Transpose.N, rows, dm, dHead, 1f, z, h * dHead, hd, wO, h * dHead * dm, dm,
                        0f, result, h * dm, nHeads * dm);
            }
            hook(resultName, result, batch, t, nHeads, dm);
            for (int r = 0; r < rows; r++) {
                for (int h = 0; h < nHeads; h++) VectorOps.add(dm, out, r * dm, result, (r * nHeads + h) * dm, out, r * dm);
            }
            return out;
        }
    }

    /** Copies {@code bias} into every row of {@code c} (rows × bias.length); returns the GEMM beta to add onto it (1, or 0 without bias). */
    private static float fillRows(float[] c, int rows, Tensor bias) {
        if (bias == null) return 0f;
        int n = bias.size();
        for (int r = 0; r < rows; r++) System.arraycopy(bias.data(), 0, c, r * n, n);
        return 1f;
    }

    /** Logits [B·T, d_vocab] of a batch of whole sequences (flat tokens [B·T]); fills {@code cache} as the hooks ask. */
    float[] batch(int[] tokens, int batch, int t, Hooks hooks, Map<String, Tensor> cache) {
        return batch(tokens, batch, t, hooks, cache, false);
    }

    /** {@link #batch(int[], int, int, Hooks, Map)}; with {@code lastOnly} the logits of each sequence's last position [B, d_vocab]. */
    float[] batch(int[] tokens, int batch, int t, Hooks hooks, Map<String, Tensor> cache, boolean lastOnly) {
        Pass pass = new Pass(batch, t, 0, hooks, null);
        float[][] qkv = new float[c.nLayers()][batch * t * c.qkvWidth()];
        float[] logits = pass.logits(tokens, qkv, lastOnly);
        cache.putAll(pass.cache);
        return logits;
    }

    /**
     * The residual stream before block {@code stop} ([B·T, d_model]; {@code stop} = n_layers: after the last block) of a
     * batch of whole sequences: blocks 0..stop-1 only, offering their hook points, and no ln_final or unembedding
     * (TransformerLens' {@code stop_at_layer}).
     */
    float[] untilLayer(int stop, int[] tokens, int batch, int t, Hooks hooks, Map<String, Tensor> cache) {
        Pass pass = new Pass(batch, t, 0, hooks, null);
        float[] pos = pass.positions(), resid = pass.embed(tokens, pos);
        for (int l = 0; l < stop; l++) resid = pass.block(l, resid, pos, new float[batch * t * c.qkvWidth()]);
        cache.putAll(pass.cache);
        return resid;
    }

    /**
     * Resumes a forward of {@code batch} whole sequences of {@code t} tokens at block {@code first} from its resid_pre
     * {@code residPre} [B·T, d_model] (not changed; block {@code first} = n_layers means the final residual): runs blocks
     * first..L-1 (offering their hook points) and the unembedding. Returns logits [B·T, d_vocab], or [B, d_vocab] of each
     * sequence's last position when {@code lastOnly}. The positional embedding is recomputed (shortformer feeds it to Q|K).
     */
    float[] resume(int first, float[] residPre, int batch, int t, Hooks hooks, Map<String, Tensor> cache, boolean lastOnly) {
        Pass pass = new Pass(batch, t, 0, hooks, null);
        float[][] qkv = new float[c.nLayers()][];
        for (int l = first; l < c.nLayers(); l++) qkv[l] = new float[batch * t * c.qkvWidth()];
        float[] logits = pass.fromLayer(first, residPre, pass.positions(), qkv, lastOnly);
        cache.putAll(pass.cache);
        return logits;
    }

    /** Logits [T, d_vocab] of {@code tokens} at positions p..p+T-1, appending their Q|K|V rows to {@code kvCache[l]} [n_ctx, 3·H·d_head]. */
    float[] extend(int[] tokens, int p, float[][] kvCache) {
        return new Pass(1, tokens.length, p, Hooks.none(), null).logits(tokens, kvCache);
    }

    /** Logits [B·T, d_vocab] of a batch of whole sequences (flat tokens [B·T]), keeping in {@code store} what the backward needs. */
    float[] training(int[] tokens, int batch, int t, Activations store) {
        return training(tokens, batch, t, store, Hooks.none(), new LinkedHashMap<>(), false);
    }

    /**
     * {@link #training(int[], int, int, Activations)} that also caches into {@code cache} the activations {@code hooks}
     * ask for; with {@code lastOnly} the logits of each sequence's last position [B, d_vocab].
     */
    float[] training(int[] tokens, int batch, int t, Activations store, Hooks hooks, Map<String, Tensor> cache, boolean lastOnly) {
        float[][] qkv = new float[c.nLayers()][batch * t * c.qkvWidth()];
        Pass pass = new Pass(batch, t, 0, hooks, store);
        float[] logits = pass.logits(tokens, qkv, lastOnly);
        cache.putAll(pass.cache);
        return logits;
    }

    /** The fused Q|K|V weights of block {@code l}. */
    PackedBlock packed(int l) {
        return packed.get(l);
    }
}
