package org.vecformer.model.transformer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An independent attention-only transformer for tests: one sequence, double precision, loops written
 * straight from the maths (TransformerLens semantics), sharing nothing with {@link Forward} but the
 * weights. Every activation is reported by its hook name, without the batch axis, and may be edited
 * in place on the way (the twin of a hook function).
 */
final class PlainModel {
    /** Sees (and may change) each activation as it is formed. */
    interface Edit {
        void apply(String name, double[] activation);
    }

    private final Config c;
    private final Weights w;
    private final int dm, nh, dh, vocab;

    PlainModel(Weights w) {
        this.c = w.config();
        this.w = w;
        this.dm = c.dModel();
        this.nh = c.nHeads();
        this.dh = c.dHead();
        this.vocab = c.dVocab();
    }

    /** Activations by hook name, plus "logits" [T][d_vocab]. */
    Map<String, double[]> run(int[] tok, Edit edit) {
        Map<String, double[]> acts = new LinkedHashMap<>();
        int n = tok.length;
        double[] embed = new double[n * dm], pos = new double[n * dm];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < dm; i++) {
                embed[t * dm + i] = w.wE().data()[tok[t] * dm + i];
                pos[t * dm + i] = w.wPos().data()[t * dm + i];
            }
        }
        put(acts, edit, "hook_embed", embed);
        put(acts, edit, "hook_pos_embed", pos);
        boolean shortformer = c.positionalEmbedding() == PositionalEmbedding.SHORTFORMER;
        double[] resid = new double[n * dm];
        for (int j = 0; j < resid.length; j++) resid[j] = embed[j] + (shortformer ? 0 : pos[j]);
        for (int l = 0; l < c.nLayers(); l++) {
            Block b = w.blocks().get(l);
            String p = "blocks." + l + ".";
            put(acts, edit, p + "hook_resid_pre", resid);
            double[] x = layerNorm(acts, edit, p + "ln1.", resid, b.ln1W() == null ? null : b.ln1W().data(),
                    b.ln1B() == null ? null : b.ln1B().data());
            double[] qkIn = x.clone();
            if (shortformer) for (int j = 0; j < qkIn.length; j++) qkIn[j] += pos[j];
            double[] q = project(qkIn, b.wQ().data(), b.bQ() == null ? null : b.bQ().data());
            double[] k = project(qkIn, b.wK().data(), b.bK() == null ? null : b.bK().data());
            double[] v = project(x, b.wV().data(), b.bV() == null ? null : b.bV().data());
            put(acts, edit, p + "attn.hook_q", q);
            put(acts, edit, p + "attn.hook_k", k);
            put(acts, edit, p + "attn.hook_v", v);
            double[] scores = new double[nh * n * n];
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int e = 0; e < dh; e++) s += q[(i * nh + h) * dh + e] * k[(j * nh + h) * dh + e];
                        scores[(h * n + i) * n + j] = j <= i ? s / Math.sqrt(dh) : Double.NEGATIVE_INFINITY;
                    }
                }
            }
            put(acts, edit, p + "attn.hook_attn_scores", scores);
            double[] pattern = new double[nh * n * n];
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < n; i++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j <= i; j++) max = Math.max(max, scores[(h * n + i) * n + j]);
                    for (int j = 0; j <= i; j++) sum += Math.exp(scores[(h * n + i) * n + j] - max);
                    for (int j = 0; j <= i; j++) pattern[(h * n + i) * n + j] = Math.exp(scores[(h * n + i) * n + j] - max) / sum;
                }
            }
            put(acts, edit, p + "attn.hook_pattern", pattern);
            double[] z = new double[n * nh * dh];
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < nh; h++) {
                    for (int e = 0; e < dh; e++) {
                        double s = 0;
                        for (int j = 0; j < n; j++) s += pattern[(h * n + t) * n + j] * v[(j * nh + h) * dh + e];
                        z[(t * nh + h) * dh + e] = s;
                    }
                }
            }
            put(acts, edit, p + "attn.hook_z", z);
            double[] result = new double[n * nh * dm];
            float[] wO = b.wO().data();
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < nh; h++) {
                    for (int o = 0; o < dm; o++) {
                        double s = 0;
                        for (int e = 0; e < dh; e++) s += z[(t * nh + h) * dh + e] * wO[(h * dh + e) * dm + o];
                        result[(t * nh + h) * dm + o] = s;
                    }
                }
            }
            put(acts, edit, p + "attn.hook_result", result);
            double[] attnOut = new double[n * dm];
            for (int t = 0; t < n; t++) {
                for (int o = 0; o < dm; o++) {
                    double s = b.bO() == null ? 0 : b.bO().data()[o];
                    for (int h = 0; h < nh; h++) s += result[(t * nh + h) * dm + o];
                    attnOut[t * dm + o] = s;
                }
            }
            put(acts, edit, p + "hook_attn_out", attnOut);
            double[] post = new double[n * dm];
            for (int j = 0; j < post.length; j++) post[j] = resid[j] + attnOut[j];
            put(acts, edit, p + "hook_resid_post", post);
            resid = post;
        }
        double[] x = layerNorm(acts, edit, "ln_final.", resid, w.lnFinalW() == null ? null : w.lnFinalW().data(),
                w.lnFinalB() == null ? null : w.lnFinalB().data());
        double[] logits = new double[n * vocab];
        for (int t = 0; t < n; t++) {
            for (int u = 0; u < vocab; u++) {
                double s = w.bU() == null ? 0 : w.bU().data()[u];
                for (int i = 0; i < dm; i++) s += x[t * dm + i] * w.wU().data()[i * vocab + u];
                logits[t * vocab + u] = s;
            }
        }
        acts.put("logits", logits);
        return acts;
    }

    /** x [T, d_model] @ W [n_heads, d_model, d_head] + b [n_heads, d_head] -> [T, n_heads, d_head]. */
    private double[] project(double[] x, float[] wm, float[] bias) {
        int n = x.length / dm;
        double[] out = new double[n * nh * dh];
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < nh; h++) {
                for (int e = 0; e < dh; e++) {
                    double s = bias == null ? 0 : bias[h * dh + e];
                    for (int i = 0; i < dm; i++) s += x[t * dm + i] * wm[(h * dm + i) * dh + e];
                    out[(t * nh + h) * dh + e] = s;
                }
            }
        }
        return out;
    }

    private double[] layerNorm(Map<String, double[]> acts, Edit edit, String name, double[] x, float[] lw, float[] lb) {
        if (c.normalization() == Normalization.NONE) return x;
        int n = x.length / dm;
        double[] out = new double[x.length], scale = new double[n], mean = new double[n];
        for (int t = 0; t < n; t++) {
            double sq = 0;
            for (int i = 0; i < dm; i++) mean[t] += x[t * dm + i] / dm;
            for (int i = 0; i < dm; i++) sq += (x[t * dm + i] - mean[t]) * (x[t * dm + i] - mean[t]) / dm;
            scale[t] = Math.sqrt(sq + c.eps());
        }
        put(acts, edit, name + "hook_scale", scale);
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < dm; i++) {
                double y = (x[t * dm + i] - mean[t]) / scale[t];
                if (c.normalization() == Normalization.LN) y = y * lw[i] + (lb == null ? 0 : lb[i]);
                out[t * dm + i] = y;
            }
        }
        put(acts, edit, name + "hook_normalized", out);
        return out;
    }

    private static void put(Map<String, double[]> acts, Edit edit, String name, double[] a) {
        edit.apply(name, a);
        acts.put(name, a.clone());
    }
}
