package org.vecformer.model.patching;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Backward;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.HookName;
import org.vecformer.model.transformer.HookName.Hook;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Run;
import org.vecformer.model.transformer.Transformer;

/**
 * The clean and the corrupted run of a patching experiment: both prompts' caches of every block's resid_pre,
 * attn_out, resid_post, z, q, k, v and pattern (batch 1), and the metric of each. Both metrics are taken by
 * unembedding the last position of the final residual ({@link Transformer#resume} at n_layers), the same arithmetic
 * every patched run ends with, so a patch that restores the clean input restores the clean metric bit for bit.
 * With gradients, the corrupted run is the forward of {@link Backward#activationGradients}, which also gives
 * ∂metric/∂activation of every site there (for {@link AttributionPatching}) at the cost of one backward pass.
 */
public final class PatchRuns {
    private static final Set<Hook> KEPT = EnumSet.of(Hook.RESID_PRE, Hook.ATTN_OUT, Hook.RESID_POST, Hook.Z, Hook.Q, Hook.K, Hook.V,
            Hook.PATTERN);

    private final Transformer model;
    private final int[] clean, corrupt;
    private final Metric metric;
    private final Map<String, Tensor> cleanCache, corruptCache;
    private final Map<String, Tensor> corruptGradients;
    private final double cleanMetric, corruptMetric;

    private PatchRuns(Transformer model, int[] clean, int[] corrupt, Metric metric, boolean gradients) {
        this.model = model;
        this.clean = clean.clone();
        this.corrupt = corrupt.clone();
        this.metric = metric;
        Predicate<String> kept = PatchRuns::kept;
        this.cleanCache = model.run(new int[][] {clean}, Hooks.caching(kept), Transformer.LogitRows.LAST).cache();
        if (gradients) {
            Map<String, Tensor> g = new HashMap<>();
            Run run = Backward.activationGradients(model.weights(), corrupt, 1, corrupt.length, kept,
                    Transformer.LogitRows.LAST, metric::gradient, g::put);
            this.corruptCache = run.cache();
            this.corruptGradients = Map.copyOf(g);
        } else {
            this.corruptCache = model.run(new int[][] {corrupt}, Hooks.caching(kept), Transformer.LogitRows.LAST).cache();
            this.corruptGradients = null;
        }
        this.cleanMetric = finalMetric(cleanCache);
        this.corruptMetric = finalMetric(corruptCache);
    }

    /**
     * Runs {@code clean} and {@code corrupt} (token ids, same length, within n_ctx and the vocabulary; the model has at
     * least one layer) and scores both with {@code metric}; with {@code gradients}, also the metric's gradients on the
     * corrupted run. Bad input is an {@link IllegalArgumentException} with a one-line message.
     */
    public static PatchRuns of(Transformer model, int[] clean, int[] corrupt, Metric metric, boolean gradients) {
        Config c = model.config();
        if (c.nLayers() == 0) throw new IllegalArgumentException("a zero-layer model has no activations to patch: give a model with layers");
        if (clean.length != corrupt.length) {
            throw new IllegalArgumentException("the clean prompt has " + clean.length + " tokens and the corrupted one " + corrupt.length
                    + ": patching needs prompts of the same length");
        }
        metric.checked(c.dVocab());
        return new PatchRuns(model, clean, corrupt, metric, gradients);
    }

    private static boolean kept(String name) {
        return HookName.parse(name).map(h -> KEPT.contains(h.hook())).orElse(false);
    }

    private double finalMetric(Map<String, Tensor> cache) {
        int last = model.config().nLayers() - 1;
        return metric.of(model.resume(last + 1, cache.get(HookName.of(Hook.RESID_POST, last).tl()), Hooks.none(),
                Transformer.LogitRows.LAST).logits());
    }

    public Transformer model() {
        return model;
    }

    public Metric metric() {
        return metric;
    }

    /** Prompt length T. */
    public int length() {
        return clean.length;
    }

    public int[] cleanTokens() {
        return clean.clone();
    }

    public int[] corruptTokens() {
        return corrupt.clone();
    }

    public double cleanMetric() {
        return cleanMetric;
    }

    public double corruptMetric() {
        return corruptMetric;
    }

    /** The clean run's activation at hook point {@code name} (batch 1). */
    public Tensor clean(String name) {
        return cleanCache.get(name);
    }

    /** The corrupted run's activation at hook point {@code name} (batch 1). */
    public Tensor corrupt(String name) {
        return corruptCache.get(name);
    }

    /** ∂metric/∂activation at hook point {@code name} on the corrupted run; only when built with gradients. */
    public Tensor gradient(String name) {
        if (corruptGradients == null) throw new IllegalStateException("these runs were made without gradients");
        return corruptGradients.get(name);
    }

    /** (patched − corrupt)/(clean − corrupt): 0 for no recovery, 1 for the clean metric (NaN when clean = corrupt). */
    public double normalize(double patched) {
        return (patched - corruptMetric) / (cleanMetric - corruptMetric);
    }
}
