package org.vecformer.model.train;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.vecformer.engine.kernel.AdamStep;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Weights;

/**
 * AdamW (Loshchilov &amp; Hutter) with decoupled weight decay on matrices only. At step t (1-based), for each
 * parameter p with gradient g, learning rate η and weight decay λ:
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
 *   p ← p·(1 − η·λ) − η·m̂ / (sqrt(v̂) + ε)          (λ = 0 for biases, even [H, d_head] ones, and rank &lt; 2: LayerNorm weights)
 * </pre>
 * Moments are float like the parameters; the update runs in float lanes ({@link AdamStep}, tested against this
 * formula in double). The state
 * (moments and step count) exports to and imports from a name → tensor map, so a resumed run continues bit-exactly.
 */
public final class AdamW {
    /** State key prefixes and the step-count key. */
    public static final String M = "adam.m.", V = "adam.v.", STEP = "adam.step";

    /** Hyper-parameters other than the learning rate, which comes with each step (from a schedule). */
    public record Config(double beta1, double beta2, double eps, double weightDecay) {
        public Config {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), not " + beta1 + ", " + beta2);
            }
            if (!(eps > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("eps must be > 0 and weight decay >= 0, not " + eps + ", " + weightDecay);
            }
        }

        /** β₁ 0.9, β₂ 0.999, ε 1e-8, λ 0.01 (PyTorch's AdamW defaults). */
        public static Config defaults() {
            return new Config(0.9, 0.999, 1e-8, 0.01);
        }
    }

    private final Config config;
    private final Map<String, Tensor> params;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    /** Names of the parameters weight decay applies to, decided once (see {@link #decays}). */
    private final Set<String> decays = new HashSet<>();
    private int step;

    /** An optimiser for {@code params} (updated in place), with zero moments at step 0. */
    public AdamW(Config config, Map<String, Tensor> params) {
        this.config = config;
        this.params = params;
        params.forEach((name, p) -> {
            Parameters.contiguous(name, p);
            m.put(name, new float[p.size()]);
            v.put(name, new float[p.size()]);
            if (decays(name, p)) decays.add(name);
        });
    }

    /** Steps taken so far. */
    public int step() {
        return step;
    }

    /**
     * One update of every parameter from {@code grads} (same names and shapes) with learning rate {@code lr}: one
     * {@link AdamStep} pass per parameter, in float lanes.
     */
    public void step(Map<String, Tensor> grads, double lr) {
        Parameters.checkMatching(params, grads);
        step++;
        double c1 = 1 - Math.pow(config.beta1(), step), c2 = 1 - Math.pow(config.beta2(), step);
        float beta1 = (float) config.beta1(), beta2 = (float) config.beta2(), eps = (float) config.eps();
        float stepSize = (float) (lr / c1), invSqrtC2 = (float) (1 / Math.sqrt(c2));
        float decayed = (float) (1 - lr * config.weightDecay());
        for (var e : params.entrySet()) {
            Tensor p = e.getValue(), g = grads.get(e.getKey());
            float decay = decays.contains(e.getKey()) ? decayed : 1f;
            AdamStep.update(p.size(), p.data(), p.offset(), g.data(), g.offset(), m.get(e.getKey()), v.get(e.getKey()), 0,
                    beta1, beta2, stepSize, invSqrtC2, eps, decay);
        }
    }

    /** Weight decay applies to matrices: rank >= 2 and not a bias ({@code b_Q|b_K|b_V} are [H, d_head] but biases). */
    private static boolean decays(String name, Tensor p) {
        return p.rank() >= 2 && !Weights.isBias(name);
    }

    /** Copies of the state: {@code adam.m.<name>}, {@code adam.v.<name>} shaped like the parameter, {@code adam.step} [1]. */
    public Map<String, Tensor> exportState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            out.put(M + name, Tensor.of(m.get(name).clone(), p.shape()));
            out.put(V + name, Tensor.of(v.get(name).clone(), p.shape()));
        });
        out.put(STEP, Tensor.of(new float[] {step}, 1));
        return out;
    }

    /** Replaces the state by an exported one; it must hold exactly this optimiser's keys and shapes. */
    public void importState(Map<String, Tensor> state) {
        if (state.size() != 2 * params.size() + 1) {
            throw new IllegalArgumentException("optimiser state has " + state.size() + " tensors, expected " + (2 * params.size() + 1));
        }
        Tensor s = require(state, STEP, new int[] {1});
        float count = s.get(0);
        if (!(count >= 0 && count == Math.rint(count) && count < 1 << 24)) {
            throw new IllegalArgumentException(STEP + " must be a whole number of steps, not " + count);
        }
        params.forEach((name, p) -> {
            require(state, M + name, p.shape());
            require(state, V + name, p.shape());
        });
        params.forEach((name, p) -> {
            m.put(name, state.get(M + name).copy().data());
            v.put(name, state.get(V + name).copy().data());
        });
        step = (int) count;
    }

    private static Tensor require(Map<String, Tensor> state, String key, int[] shape) {
        Tensor t = state.get(key);
        if (t == null) throw new IllegalArgumentException("optimiser state lacks " + key);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(key + " has shape " + t + ", expected " + Arrays.toString(shape));
        }
        return t;
    }
}
