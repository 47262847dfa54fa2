package org.vecformer.engine.reference;

/**
 * Scalar twin of the fused cross-entropy over logits [T, V] (row t at {@code off + t·ld}) and targets [T]:
 * <pre>
 *   loss_t      = logsumexp(logits_t) - logits_t[target_t]
 *   dlogits_t,c = gradScale · (softmax(logits_t)_c - [c == target_t])
 * </pre>
 */
public final class RefCrossEntropy {
    private RefCrossEntropy() {}

    /**
     * Writes the per-token loss [T] and, when {@code dLogits} is non-null, its gradient [T, V] (row t at
     * {@code dOff + t·ldd}).
     */
    public static void forwardBackward(float[] logits, int off, int ld, int t, int vocab, int[] targets, float gradScale,
                                       float[] loss, float[] dLogits, int dOff, int ldd) {
        for (int i = 0; i < t; i++) {
            int row = off + i * ld, dRow = dOff + i * ldd;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < vocab; c++) max = Math.max(max, logits[row + c]);
            double sum = 0;
            for (int c = 0; c < vocab; c++) sum += Math.exp(logits[row + c] - max);
            double logZ = max + Math.log(sum);
            loss[i] = (float) (logZ - logits[row + targets[i]]);
            if (dLogits != null) {
                for (int c = 0; c < vocab; c++) {
                    double p = Math.exp(logits[row + c] - logZ);
                    dLogits[dRow + c] = (float) (gradScale * (p - (c == targets[i] ? 1 : 0)));
                }
            }
        }
    }
}
