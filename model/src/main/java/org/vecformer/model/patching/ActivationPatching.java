package org.vecformer.model.patching;

import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.HookFn;
import org.vecformer.model.transformer.HookName;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Transformer;

/**
 * Activation patching (TransformerLens {@code patching.get_act_patch_*}, denoising direction): the corrupted prompt is
 * run with ONE activation replaced by its value on the clean prompt, and the metric of that run is recorded.
 * <pre>
 *   resid_pre  (l, p)      blocks.l.hook_resid_pre[0, p, :]          ← clean            [n_layers][T]
 *   attn_out   (l, p)      blocks.l.hook_attn_out[0, p, :]           ← clean            [n_layers][T]
 *   z|q|k|v    (l, h)      blocks.l.attn.hook_X[0, :, h, :]          ← clean            [n_layers][n_heads]
 *   pattern    (l, h)      blocks.l.attn.hook_pattern[0, h, :, :]    ← clean            [n_layers][n_heads]
 *   per position (l, h, p): z|q|k|v [0, p, h, :], pattern [0, h, p, :] (query row p)   [n_layers][n_heads][T]
 * </pre>
 * (TransformerLens' per-position pattern patching replaces single (query, key) entries instead; a whole query row
 * keeps the row a distribution.) Nothing before the patched activation can change, so each patched run resumes
 * ({@link Transformer#resume}) at block l from the corrupted resid_pre of block l (L − l blocks), and attn_out at
 * block l + 1 from resid_post with the patched row set to resid_pre + clean attn_out (L − l − 1 blocks); only the last
 * position is unembedded. {@link #layerForwards()} counts the blocks run.
 */
public final class ActivationPatching {
    private final PatchRuns runs;
    private final Transformer model;
    private final Config c;
    private long layerForwards;

    public ActivationPatching(PatchRuns runs) {
        this.runs = runs;
        this.model = runs.model();
        this.c = model.config();
    }

    /** Blocks run by the patches so far (one block over T positions each). */
    public long layerForwards() {
        return layerForwards;
    }

    /** The metric of every patch of {@code site} (per position for head sites when {@code perPosition}). */
    public SiteEffect patch(Site site, boolean perPosition) {
        int layers = c.nLayers(), heads = c.nHeads(), t = runs.length();
        if (!site.perHead()) {
            double[] v = new double[layers * t];
            for (int l = 0; l < layers; l++) for (int p = 0; p < t; p++) v[l * t + p] = residual(site, l, p);
            return new SiteEffect(site, true, new int[] {layers, t}, v);
        }
        if (!perPosition) {
            double[] v = new double[layers * heads];
            for (int l = 0; l < layers; l++) for (int h = 0; h < heads; h++) v[l * heads + h] = head(site, l, h, -1);
            return new SiteEffect(site, false, new int[] {layers, heads}, v);
        }
        double[] v = new double[layers * heads * t];
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) for (int p = 0; p < t; p++) v[(l * heads + h) * t + p] = head(site, l, h, p);
        }
        return new SiteEffect(site, true, new int[] {layers, heads, t}, v);
    }

    /** The metric with resid_pre or attn_out of block {@code l} at position {@code p} patched. */
    public double residual(Site site, int l, int p) {
        checkLayer(l);
        checkPosition(p);
        int dm = c.dModel();
        if (site == Site.RESID_PRE) {
            Tensor resid = runs.corrupt(site.hookName(l)).copy();
            System.arraycopy(runs.clean(site.hookName(l)).data(), p * dm, resid.data(), p * dm, dm);
            return resume(l, resid, Hooks.none());
        }
        if (site != Site.ATTN_OUT) throw new IllegalArgumentException(site.label() + " is a head site");
        Tensor post = runs.corrupt(HookName.of(HookName.Hook.RESID_POST, l).tl()).copy();
        float[] pre = runs.corrupt(Site.RESID_PRE.hookName(l)).data(), out = runs.clean(site.hookName(l)).data();
        for (int i = 0; i < dm; i++) post.data()[p * dm + i] = pre[p * dm + i] + out[p * dm + i];
        return resume(l + 1, post, Hooks.none());
    }

    /** The metric with head {@code h} of block {@code l} patched at site {@code site}: at every position ({@code p} = −1) or at position p. */
    public double head(Site site, int l, int h, int p) {
        checkLayer(l);
        if (h < 0 || h >= c.nHeads()) throw new IllegalArgumentException("head " + h + " is outside [0, " + c.nHeads() + ")");
        if (p != -1) checkPosition(p);
        if (!site.perHead()) throw new IllegalArgumentException(site.label() + " is not a head site");
        String name = site.hookName(l);
        return resume(l, runs.corrupt(Site.RESID_PRE.hookName(l)), Hooks.none().with(name, copyHead(site, runs.clean(name), h, p)));
    }

    /**
     * A hook that copies head {@code h} of {@code source} into the activation: [batch, pos, head, d] for z|q|k|v at
     * position {@code p} (every position for −1), [batch, head, query, key] for the pattern in query row p (every row for −1).
     */
    static HookFn copyHead(Site site, Tensor source, int h, int p) {
        return (act, name) -> {
            float[] src = source.data(), dst = act.data();
            int t = act.dim(1);
            int from = p < 0 ? 0 : p, to = p < 0 ? (site == Site.PATTERN ? act.dim(2) : t) : p + 1;
            if (site == Site.PATTERN) {
                int keys = act.dim(3), q = act.dim(2);
                for (int i = from; i < to; i++) {
                    System.arraycopy(src, source.offset() + (h * q + i) * keys, dst, act.offset() + (h * q + i) * keys, keys);
                }
            } else {
                int heads = act.dim(2), d = act.dim(3);
                for (int i = from; i < to; i++) {
                    System.arraycopy(src, source.offset() + (i * heads + h) * d, dst, act.offset() + (i * heads + h) * d, d);
                }
            }
            return act;
        };
    }

    private double resume(int layer, Tensor resid, Hooks hooks) {
        layerForwards += c.nLayers() - layer;
        return runs.metric().of(model.resume(layer, resid, hooks, Transformer.LogitRows.LAST).logits());
    }

    private void checkLayer(int l) {
        if (l < 0 || l >= c.nLayers()) throw new IllegalArgumentException("layer " + l + " is outside [0, " + c.nLayers() + ")");
    }

    private void checkPosition(int p) {
        if (p < 0 || p >= runs.length()) throw new IllegalArgumentException("position " + p + " is outside [0, " + runs.length() + ")");
    }
}
