package org.vecformer.model.transformer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.engine.kernel.LayerNorm;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.tensor.Tensor;

/**
 * The work of one forward call, shared by the sublayers it runs: sizes ({@code batch} sequences of {@code t} new tokens
 * at positions {@code p..p+T-1}, rows = B·T), the hooks and the activation cache being filled, the training store
 * (null outside training), where its buffers come from, the positional rows [B·T, d_model] of this call and each
 * block's Q|K|V buffer.
 */
final class ForwardPass {
    final Forward forward;
    final Config c;
    final Weights w;
    final int batch, t, p, rows, dm;
    final Hooks hooks;
    final Activations store;
    /** Where the pass takes its activation buffers ({@link Workspace#FRESH} unless a training shard recycles them). */
    final Workspace buffers;
    final Map<String, Tensor> cache = new LinkedHashMap<>();
    /** Per layer: [rows of the caller's buffer, 3·H·d_head]; sequence b, position i at row b·(p+T) + i. */
    final float[][] qkv;
    /** W_pos rows p..p+T-1 of every sequence, as hook_pos_embed left them: [B·T, d_model]; set by the embedding step. */
    float[] pos;

    ForwardPass(Forward forward, int batch, int t, int p, Hooks hooks, Activations store, Workspace buffers, float[][] qkv) {
        this.forward = forward;
        this.c = forward.config();
        this.w = forward.weights();
        this.batch = batch;
        this.t = t;
        this.p = p;
        this.rows = batch * t;
        this.dm = c.dModel();
        this.hooks = hooks;
        this.store = store;
        this.buffers = buffers;
        this.qkv = qkv;
    }

    /** Applies the hook function at {@code name} (if any) to {@code data} viewed as {@code shape}, and caches it if asked. */
    void hook(HookName hookName, float[] data, int... shape) {
        String name = hookName.tl();
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

    /** True when the activation {@code name} must be formed: it is cached or hooked. */
    boolean wants(HookName name) {
        return hooks.wants(name.tl());
    }

    /** True when a function is hooked at {@code name} (it may replace the activation). */
    boolean hooked(HookName name) {
        return hooks.fns().containsKey(name.tl());
    }

    /**
     * LN / LNPre over rows (hooks {@code scaleName}, {@code normalizedName}); the input itself without normalization.
     * A hook that replaces the scale s by s' rescales the output as TransformerLens divides by the hooked scale:
     * {@code out' = (out - b)·s/s' + b}. Writes the (hooked) scale [rows] to {@code scale}.
     */
    float[] layerNorm(HookName scaleName, HookName normalizedName, float[] x, Tensor weight, Tensor bias, float[] scale) {
        if (!c.normalization().normalizes()) return x;
        float[] out = buffers.floats(rows * dm);
        float[] b = bias == null ? null : bias.data();
        LayerNorm.forward(x, 0, dm, rows, dm, weight == null ? null : weight.data(), b, (float) c.eps(), out, 0, dm, scale);
        if (hooked(scaleName)) {
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
        hook(normalizedName, out, batch, t, dm);
        return out;
    }

    /** Copies {@code bias} into every row of {@code c} (rows × bias.length); returns the GEMM beta to add onto it (1, or 0 without bias). */
    static float fillRows(float[] c, int rows, Tensor bias) {
        if (bias == null) return 0f;
        int n = bias.size();
        for (int r = 0; r < rows; r++) System.arraycopy(bias.data(), 0, c, r * n, n);
        return 1f;
    }
}
