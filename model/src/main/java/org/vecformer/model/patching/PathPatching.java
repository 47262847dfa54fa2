package org.vecformer.model.patching;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.HookFn;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Transformer;

/**
 * Path patching (Wang et al. 2022, "Interpretability in the Wild"; the ARENA IOI exercises), in the denoising
 * direction of {@link ActivationPatching}: the effect of a sender head s on the metric only through chosen inputs
 * (q, k and/or v) of receiver heads R.
 * <pre>
 *   1. the clean and corrupted runs (PatchRuns)
 *   2. run the corrupted prompt with z of s ← clean z of s, and every other head's z (every layer) frozen to its
 *      corrupted value; record the chosen inputs x_r ∈ {q, k, v} of each receiver r ∈ R
 *   3. run the corrupted prompt with only those inputs of the receivers replaced by the recorded x_r; everything else
 *      (the receivers' other inputs, all other heads) is computed normally
 *   path effect = m(step 3)
 * </pre>
 * Other heads are frozen to their corrupted values: the run being patched into (Wang et al. freeze to the run the
 * sender is patched into). Freezing makes step 2's residual stream the corrupted one plus the sender's own change, so
 * a receiver sees the sender only directly: paths s → r → logits, not s → h → r (h would have to be a receiver too)
 * and not s → logits. A receiver in the sender's layer or before it has no path: its inputs in step 2 are the
 * corrupted ones and the effect is m(corrupt). Step 2 resumes at the sender's layer, step 3 at the first receiver's.
 */
public final class PathPatching {
    /** Head {@code head} of block {@code layer}. */
    public record Head(int layer, int head) {
        /** "L.H", e.g. "0.3". */
        public static Head parse(String s) {
            String[] parts = s.trim().split("\\.");
            if (parts.length == 2 && parts[0].matches("\\d{1,6}") && parts[1].matches("\\d{1,6}")) {
                return new Head(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
            throw new IllegalArgumentException("'" + s.trim() + "' is not a head: write LAYER.HEAD, e.g. 0.3");
        }

        void check(Config c) {
            if (layer < 0 || layer >= c.nLayers()) throw new IllegalArgumentException("head " + this + ": layer " + layer + " is outside [0, " + c.nLayers() + ")");
            if (head < 0 || head >= c.nHeads()) throw new IllegalArgumentException("head " + this + ": head " + head + " is outside [0, " + c.nHeads() + ")");
        }

        @Override
        public String toString() {
            return layer + "." + head;
        }
    }

    private PathPatching() {}

    /** The path effect m(step 3) of {@code sender} through {@code inputs} (a subset of q, k, v) of {@code receivers}. */
    public static double of(PatchRuns runs, Head sender, List<Head> receivers, Set<Site> inputs) {
        Transformer model = runs.model();
        Config c = model.config();
        sender.check(c);
        if (receivers.isEmpty()) throw new IllegalArgumentException("give at least one receiver head");
        for (Head r : receivers) r.check(c);
        if (inputs.isEmpty()) throw new IllegalArgumentException("give at least one receiver input (q, k, v)");
        for (Site s : inputs) {
            if (s != Site.Q && s != Site.K && s != Site.V) throw new IllegalArgumentException("a receiver input is q, k or v, not " + s.label());
        }
        Predicate<String> recorded = name -> receivers.stream().anyMatch(r -> r.layer() > sender.layer()
                && inputs.stream().anyMatch(s -> s.hookName(r.layer()).equals(name)));
        Hooks step2 = Hooks.caching(recorded);
        for (int l = sender.layer(); l < c.nLayers(); l++) {
            String z = Site.Z.hookName(l);
            Tensor frozen = runs.corrupt(z).copy();
            if (l == sender.layer()) {
                HookFn copy = ActivationPatching.copyHead(Site.Z, runs.clean(z), sender.head(), -1);
                copy.apply(frozen, z);
            }
            step2 = step2.with(z, (act, name) -> frozen);
        }
        Map<String, Tensor> seen = model.resume(sender.layer(), runs.corrupt(Site.RESID_PRE.hookName(sender.layer())), step2,
                Transformer.LogitRows.LAST).cache();
        int first = receivers.stream().mapToInt(Head::layer).min().orElseThrow();
        Hooks step3 = Hooks.none();
        for (int l = first; l < c.nLayers(); l++) {
            int layer = l;
            List<Head> here = receivers.stream().filter(r -> r.layer() == layer).toList();
            if (here.isEmpty()) continue;
            for (Site s : inputs) {
                String name = s.hookName(l);
                Tensor source = seen.getOrDefault(name, runs.corrupt(name));
                step3 = step3.with(name, (act, n) -> {
                    for (Head r : here) ActivationPatching.copyHead(s, source, r.head(), -1).apply(act, n);
                    return act;
                });
            }
        }
        return runs.metric().of(model.resume(first, runs.corrupt(Site.RESID_PRE.hookName(first)), step3,
                Transformer.LogitRows.LAST).logits());
    }
}
