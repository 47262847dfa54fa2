package org.vecformer.model.patching;

import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;

/**
 * Attribution patching (Nanda 2023; Syed et al. 2023): the first-order Taylor estimate of every activation patch from
 * one forward and one backward pass on the corrupted prompt,
 * <pre>
 *   m(patched) − m(corrupt)  ≈  Σ (a_clean − a_corrupt) · ∂m/∂a |_corrupt
 * </pre>
 * summed over the patched entries of activation a: d_model at one position (resid_pre, attn_out), d_head at every
 * position or one (z|q|k|v of a head), the (query, key) entries of a head's pattern, or of one query row. The pattern's
 * gradient is {@code ∂m/∂pattern[h, i, j] = ∂m/∂z[i, h, :] · v[j, h, :]} (z = pattern · v), from the backward's ∂m/∂z and
 * the corrupted v. Exact where m is linear in a (a last-layer z, v, pattern or attn_out when no layer norm follows),
 * an approximation elsewhere. Results are reported as estimated patched metrics m(corrupt) + estimate, in
 * {@link ActivationPatching}'s shapes, so the two sit side by side.
 */
public final class AttributionPatching {
    private final PatchRuns runs;
    private final Config c;

    /** Estimates from {@code runs}, which must have been made with gradients. */
    public AttributionPatching(PatchRuns runs) {
        runs.gradient(Site.Z.hookName(0));
        this.runs = runs;
        this.c = runs.model().config();
    }

    /** The estimated metric of every patch of {@code site}, shaped as {@link ActivationPatching#patch}. */
    public SiteEffect estimate(Site site, boolean perPosition) {
        int layers = c.nLayers(), heads = c.nHeads(), t = runs.length();
        boolean byPos = perPosition || !site.perHead();
        int cols = site.perHead() ? heads : 1;
        double[] v = new double[layers * cols * (byPos ? t : 1)];
        for (int l = 0; l < layers; l++) {
            double[][] perHeadPos = terms(site, l);
            for (int h = 0; h < cols; h++) {
                for (int p = 0; p < t; p++) {
                    int index = byPos ? (l * cols + h) * t + p : l * cols + h;
                    v[index] += perHeadPos[h][p];
                }
            }
        }
        for (int i = 0; i < v.length; i++) v[i] += runs.corruptMetric();
        int[] shape = !site.perHead() ? new int[] {layers, t} : perPosition ? new int[] {layers, heads, t} : new int[] {layers, heads};
        return new SiteEffect(site, byPos, shape, v);
    }

    /** Σ Δa · ∂m/∂a of block l per [head][position] ([1][position] for residual sites; query position for the pattern). */
    private double[][] terms(Site site, int l) {
        String name = site.hookName(l);
        float[] clean = runs.clean(name).data(), corrupt = runs.corrupt(name).data();
        int t = runs.length(), heads = c.nHeads();
        if (!site.perHead()) {
            int dm = c.dModel();
            float[] g = runs.gradient(name).data();
            double[][] out = new double[1][t];
            for (int p = 0; p < t; p++) for (int i = p * dm; i < (p + 1) * dm; i++) out[0][p] += ((double) clean[i] - corrupt[i]) * g[i];
            return out;
        }
        int dh = c.dHead();
        double[][] out = new double[heads][t];
        if (site == Site.PATTERN) {
            float[] dz = runs.gradient(Site.Z.hookName(l)).data(), v = runs.corrupt(Site.V.hookName(l)).data();
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j <= i; j++) {
                        double g = 0;
                        for (int e = 0; e < dh; e++) g += (double) dz[(i * heads + h) * dh + e] * v[(j * heads + h) * dh + e];
                        int at = (h * t + i) * t + j;
                        out[h][i] += ((double) clean[at] - corrupt[at]) * g;
                    }
                }
            }
            return out;
        }
        float[] g = runs.gradient(name).data();
        for (int p = 0; p < t; p++) {
            for (int h = 0; h < heads; h++) {
                int at = (p * heads + h) * dh;
                for (int e = at; e < at + dh; e++) out[h][p] += ((double) clean[e] - corrupt[e]) * g[e];
            }
        }
        return out;
    }
}
