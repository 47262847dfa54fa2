package org.vecformer.model.train;

import java.util.Map;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.tensor.Tensor;

/**
 * Gradient clipping by global L2 norm: {@code ‖g‖ = sqrt(Σ_tensors Σ_i g_i²)}, each tensor's sum of squares one SIMD
 * pass in float lanes in a fixed order ({@link VectorOps#dot}), the tensors' sums added in double in map order (so the
 * value does not depend on threads); when {@code ‖g‖ > maxNorm} every gradient is scaled by {@code maxNorm / ‖g‖}
 * in one SIMD pass ({@link VectorOps#scale}), which leaves the global norm at {@code maxNorm} (up to float rounding).
 */
public final class GradClip {
    private GradClip() {}

    /** The global L2 norm of all gradients. */
    public static double globalNorm(Map<String, Tensor> grads) {
        double sum = 0;
        for (var e : grads.entrySet()) {
            Tensor g = e.getValue();
            Parameters.contiguous(e.getKey(), g);
            sum += VectorOps.dot(g.size(), g.data(), g.offset(), g.data(), g.offset());
        }
        return Math.sqrt(sum);
    }

    /** Scales the gradients in place down to {@code maxNorm} if their global norm exceeds it; returns the norm before. */
    public static double clip(Map<String, Tensor> grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max norm must be > 0, not " + maxNorm);
        double norm = globalNorm(grads);
        if (norm > maxNorm) {
            float s = (float) (maxNorm / norm);
            for (Tensor g : grads.values()) VectorOps.scale(g.size(), s, g.data(), g.offset());
        }
        return norm;
    }
}
