package org.vecformer.model.circuits;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Weights;

/**
 * Hand-built weights with known circuits, no layer norm, no biases. The residual stream has three orthogonal
 * subspaces: token one-hots [0, V), position one-hots [V, V + n_ctx) and "previous token" one-hots
 * [V + n_ctx, 2V + n_ctx); W_E, W_pos write one-hots, W_U reads the token subspace.
 * <pre>
 *   L0H0  previous-token head: positional QK scores (i, i−1) by C²; OV moves token t into prev_t (not read by W_U)
 *   L0H1  duplicate-token head: QK matches equal tokens by C²; OV copies (W_V W_O = I on tokens: eigenvalues +1)
 *   L1H0  induction head: Q reads token t, K reads prev_t (K-composition with L0H0);
 *         OV = diag(+1 ×V/2, −1/2 ×V/2) on tokens: copying score (V/2 − V/4)/(V/2 + V/4) = 1/3
 *   L1H1  anti-copying head: QK zero (uniform), OV = −I on tokens: eigenvalues −1
 * </pre>
 */
final class PlantedModel {
    static final int V = 8, N_CTX = 8, D_MODEL = 2 * V + N_CTX, D_HEAD = 8;
    static final float C = 4;

    private PlantedModel() {}

    static int tok(int t) {
        return t;
    }

    static int pos(int p) {
        return V + p;
    }

    static int prev(int t) {
        return V + N_CTX + t;
    }

    static Weights twoLayer() {
        Config c = new Config(2, D_MODEL, 2, D_HEAD, N_CTX, V, Normalization.NONE, PositionalEmbedding.STANDARD, 1e-5, false);
        Map<String, Tensor> d = zeros(c);
        embeddings(d);
        Tensor q0 = d.get("blocks.0.attn.W_Q"), k0 = d.get("blocks.0.attn.W_K"), v0 = d.get("blocks.0.attn.W_V"), o0 = d.get("blocks.0.attn.W_O");
        for (int p = 0; p < N_CTX; p++) {
            q0.set(C, 0, pos(p), p);
            if (p + 1 < D_HEAD) k0.set(C, 0, pos(p), p + 1);
        }
        for (int t = 0; t < V; t++) {
            v0.set(1, 0, tok(t), t);
            o0.set(1, 0, t, prev(t));
            q0.set(C, 1, tok(t), t);
            k0.set(C, 1, tok(t), t);
            v0.set(1, 1, tok(t), t);
            o0.set(1, 1, t, tok(t));
        }
        Tensor q1 = d.get("blocks.1.attn.W_Q"), k1 = d.get("blocks.1.attn.W_K"), v1 = d.get("blocks.1.attn.W_V"), o1 = d.get("blocks.1.attn.W_O");
        for (int t = 0; t < V; t++) {
            q1.set(C, 0, tok(t), t);
            k1.set(C, 0, prev(t), t);
            v1.set(1, 0, tok(t), t);
            o1.set(t < V / 2 ? 1f : -0.5f, 0, t, tok(t));
            v1.set(1, 1, tok(t), t);
            o1.set(-1, 1, t, tok(t));
        }
        return Weights.fromStateDict(c, d);
    }

    /** One layer, one head: destination d attends to source (d + 3) mod V; attending to s raises (s + 1) mod V by 1 + s/10. */
    static Weights skipTrigrams() {
        Config c = new Config(1, D_MODEL, 1, D_HEAD, N_CTX, V, Normalization.NONE, PositionalEmbedding.STANDARD, 1e-5, false);
        Map<String, Tensor> d = zeros(c);
        embeddings(d);
        Tensor q = d.get("blocks.0.attn.W_Q"), k = d.get("blocks.0.attn.W_K"), v = d.get("blocks.0.attn.W_V"), o = d.get("blocks.0.attn.W_O");
        for (int t = 0; t < V; t++) {
            q.set(C, 0, tok(t), t);
            k.set(C, 0, tok((t + 3) % V), t);
            v.set(1, 0, tok(t), t);
            o.set(1 + t / 10f, 0, t, tok((t + 1) % V));
        }
        return Weights.fromStateDict(c, d);
    }

    private static Map<String, Tensor> zeros(Config c) {
        Map<String, Tensor> d = new LinkedHashMap<>();
        Weights.shapes(c).forEach((name, shape) -> d.put(name, Tensor.zeros(shape)));
        return d;
    }

    private static void embeddings(Map<String, Tensor> d) {
        Tensor e = d.get("embed.W_E"), p = d.get("pos_embed.W_pos"), u = d.get("unembed.W_U");
        for (int t = 0; t < V; t++) {
            e.set(1, t, tok(t));
            u.set(1, tok(t), t);
        }
        for (int i = 0; i < N_CTX; i++) p.set(1, i, pos(i));
    }
}
