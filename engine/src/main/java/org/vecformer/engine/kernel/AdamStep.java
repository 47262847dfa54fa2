package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One AdamW update of a parameter run, in one SIMD pass (PyTorch's {@code torch.optim.AdamW} formula, decoupled weight
 * decay). Twin: {@link org.vecformer.engine.reference.RefAdamStep}. For i &lt; n, with the bias corrections
 * c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ of step t folded into the arguments by the caller:
 * <pre>
 *   m_i ← β₁·m_i + (1 − β₁)·g_i
 *   v_i ← β₂·v_i + (1 − β₂)·g_i²
 *   p_i ← p_i·decay − stepSize · m_i / (sqrt(v_i)·invSqrtC2 + ε)      stepSize = η / c₁, invSqrtC2 = 1 / sqrt(c₂),
 *                                                                     decay = 1 − η·λ
 * </pre>
 * Everything in float lanes (the twin computes in double and rounds once; they agree to a few float ulps).
 * Each element depends only on its own inputs, so the result does not depend on the lane count.
 */
public final class AdamStep {
    private static final VectorSpecies<Float> S = Simd.F;

    private AdamStep() {}

    /** The update above over p[pOff..pOff+n), g[gOff..), m[mvOff..) and v[mvOff..), all updated in place but g. */
    public static void update(int n, float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int mvOff,
                              float beta1, float beta2, float stepSize, float invSqrtC2, float eps, float decay) {
        float oneMinusB1 = 1 - beta1, oneMinusB2 = 1 - beta2;
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            FloatVector gi = FloatVector.fromArray(S, g, gOff + i);
            FloatVector mi = FloatVector.fromArray(S, m, mvOff + i).mul(beta1).add(gi.mul(oneMinusB1));
            FloatVector vi = FloatVector.fromArray(S, v, mvOff + i).mul(beta2).add(gi.mul(gi).mul(oneMinusB2));
            mi.intoArray(m, mvOff + i);
            vi.intoArray(v, mvOff + i);
            FloatVector update = mi.div(vi.sqrt().mul(invSqrtC2).add(eps)).mul(stepSize);
            FloatVector.fromArray(S, p, pOff + i).mul(decay).sub(update).intoArray(p, pOff + i);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector gi = FloatVector.fromArray(S, g, gOff + i, k);
            FloatVector mi = FloatVector.fromArray(S, m, mvOff + i, k).mul(beta1).add(gi.mul(oneMinusB1));
            FloatVector vi = FloatVector.fromArray(S, v, mvOff + i, k).mul(beta2).add(gi.mul(gi).mul(oneMinusB2));
            mi.intoArray(m, mvOff + i, k);
            vi.intoArray(v, mvOff + i, k);
            FloatVector update = mi.div(vi.sqrt().mul(invSqrtC2).add(eps)).mul(stepSize);
            FloatVector.fromArray(S, p, pOff + i, k).mul(decay).sub(update).intoArray(p, pOff + i, k);
        }
    }
}
