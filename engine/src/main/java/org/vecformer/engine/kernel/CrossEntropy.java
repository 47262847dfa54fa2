package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * Fused cross-entropy loss and its gradient in float lanes, parallel over tokens (rows).
 * Twin: {@link org.vecformer.engine.reference.RefCrossEntropy}.
 */
public final class CrossEntropy {
    private static final VectorSpecies<Float> S = Simd.F;

    private CrossEntropy() {}

    /**
     * Over logits [T, V] (row t at {@code off + t·ld}) and targets [T]:
     * <pre>
     *   loss_t      = logsumexp(logits_t) - logits_t[target_t]
     *   dlogits_t,c = gradScale · (softmax(logits_t)_c - [c == target_t])
     * </pre>
     * Writes the per-token loss [T] and, when {@code dLogits} is non-null, its gradient [T, V] (row t at
     * {@code dOff + t·ldd}; may be the logits themselves at the same offset and stride). Entries between a row's
     * V values and the next row are neither read nor written.
     */
    public static void forwardBackward(float[] logits, int off, int ld, int t, int vocab, int[] targets, float gradScale,
                                       float[] loss, float[] dLogits, int dOff, int ldd) {
        Parallel.forRange(t, KernelSizes.rowGrain(vocab), (from, to) -> {
            int step = S.length();
            for (int i = from; i < to; i++) {
                int row = off + i * ld, dRow = dOff + i * ldd;
                float logZ = VectorOps.logSumExp(logits, row, vocab);
                float target = logits[row + targets[i]];
                loss[i] = logZ - target;
                if (dLogits == null) continue;
                FloatVector negLogZ = FloatVector.broadcast(S, -logZ);
                for (int c = 0; c < vocab; c += step) {
                    VectorMask<Float> m = S.indexInRange(c, vocab);
                    VectorExp.exp(FloatVector.fromArray(S, logits, row + c, m).add(negLogZ))
                            .mul(gradScale).intoArray(dLogits, dRow + c, m);
                }
                dLogits[dRow + targets[i]] -= gradScale;
            }
        });
    }
}
