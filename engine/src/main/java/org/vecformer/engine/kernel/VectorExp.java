package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lanewise {@code e^x} in float lanes, by range reduction and a polynomial. Twin: {@link org.vecformer.engine.reference.RefExp}.
 * <pre>
 *   n     = round(x · log2 e)                      (x first clamped to [-104, 89], beyond which e^x is 0 or +∞ in float)
 *   r     = x - n · ln 2                           (two FMAs, ln 2 split into a short head and a tail; |r| ≤ ln2/2)
 *   e^r  ≈ Σ_{k=0..7} r^k / k!                     (Horner with FMA; truncation below 6e-9 relative)
 *   e^x   = e^r · 2^⌊n/2⌋ · 2^(n-⌊n/2⌋)             (two exact power-of-two factors, so results that are subnormal
 *                                                  round once and n = 128 does not overflow the exponent field)
 * </pre>
 * Relative error below 2e-7 for normal results; {@code e^0 = 1} exactly, {@code e^-∞ = 0}, {@code e^+∞ = +∞},
 * NaN stays NaN. The tests sweep the float range [-104, 89] against {@link Math#exp}.
 */
public final class VectorExp {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** -ln 2 = NEG_LN2_HI + NEG_LN2_LO, the head having 9 significant bits so n times it is exact for |n| ≤ 2^15. */
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -0.693359375f),
            NEG_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);
    private static final float LO = -104f, HI = 89f;
    /** Where exp2NonPositive's argument is raised to: n = -127 gives an all-zero exponent field, so 2^x flushes to 0. */
    private static final FloatVector FLUSH = FloatVector.broadcast(S, -127f);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f), C2 = FloatVector.broadcast(S, 1f / 2),
            C3 = FloatVector.broadcast(S, 1f / 6), C4 = FloatVector.broadcast(S, 1f / 24),
            C5 = FloatVector.broadcast(S, 1f / 120), C6 = FloatVector.broadcast(S, 1f / 720);
    private static final FloatVector C7 = FloatVector.broadcast(S, 1f / 5040);

    /**
     * 2^r ≈ 1 + Σ_{k=1..6} P_k·r^k on [-1/2, 1/2]: the coefficients that minimise the largest relative error, a
     * linear programme over 4,000 points, rounded to float (2.3e-8 in exact arithmetic, 8.5e-8 evaluated in float by
     * Horner with FMA); {@code engine/tools/exp2_minimax.py} derives them and both errors.
     */
    private static final FloatVector P1 = FloatVector.broadcast(S, 0.6931471824645996f),
            P2 = FloatVector.broadcast(S, 0.24022650718688965f), P3 = FloatVector.broadcast(S, 0.05550376698374748f),
            P4 = FloatVector.broadcast(S, 0.009617859497666359f), P5 = FloatVector.broadcast(S, 0.001338265952654183f),
            P6 = FloatVector.broadcast(S, 1.5598430763930082e-4f);
    /**
     * 1.5·2^23 + 127: adding it rounds x to an integer n and leaves n + 127, the biased exponent of 2^n, in the low
     * mantissa bits; the nine bits above them are zero (ROUND's bits end in 0x400000), so shifting left by 23 leaves
     * exactly the exponent field of 2^n for -127 &lt;= n &lt;= 0.
     */
    private static final float ROUND_BIASED = ROUND + 127;

    private VectorExp() {}

    /**
     * {@code 2^x} for {@code x <= 0}, the softmax form (scores pre-multiplied by log2 e, maximum subtracted):
     * <pre>
     *   n = round(x),  r = x - n  (exact, |r| ≤ 1/2),   2^r ≈ 1 + Σ_{k=1..6} P_k·r^k (minimax),   2^x = 2^r · 2^n
     * </pre>
     * x is first raised to -127 if below, by compare and blend (Java's max costs several instructions for its NaN
     * and ±0 rules; this is the inner loop of attention's online softmax): {@code 2^-∞ = 0} exactly, x &lt;= -126.5
     * flushes to 0 (no subnormals), {@code 2^0 = 2^-0 = 1} and {@code 2^-1 = 1/2} exactly, NaN stays NaN; x &gt; 0 is
     * outside the contract. Relative error below 2e-7 for normal results. Ties round n to even n + 127, so
     * 2^-0.5 = 2^0.5 · 2^-1 comes out correctly rounded.
     * Cheaper than {@link #exp(FloatVector)}: no ln 2 split, one power-of-two factor.
     */
    public static FloatVector exp2NonPositive(FloatVector x) {
        FloatVector xc = x.blend(FLUSH, x.lt(FLUSH));
        FloatVector t = xc.add(ROUND_BIASED);
        FloatVector r = xc.sub(t.sub(ROUND_BIASED));
        FloatVector p = r.fma(P6, P5);
        p = p.fma(r, P4);
        p = p.fma(r, P3);
        p = p.fma(r, P2);
        p = p.fma(r, P1);
        p = p.fma(r, ONE);
        FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    /** {@code out[i] = 2^{x[i]}} for {@code i < n}, every {@code x[i] <= 0} (see {@link #exp2NonPositive(FloatVector)}). */
    public static void exp2NonPositive(int n, float[] x, int xOff, float[] out, int outOff) {
        int step = S.length();
        for (int i = 0; i < n; i += step) {
            VectorMask<Float> m = S.indexInRange(i, n);
            exp2NonPositive(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    /** {@code e^x} in every lane of x. */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(LO).min(HI);
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(NEG_LN2_HI, xc);
        r = n.fma(NEG_LN2_LO, r);
        FloatVector p = r.fma(C7, C6);
        p = p.fma(r, C5);
        p = p.fma(r, C4);
        p = p.fma(r, C3);
        p = p.fma(r, C2);
        p = p.fma(r, ONE);
        p = p.fma(r, ONE);
        IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** {@code out[i] = e^{x[i]}} for {@code i < n}; {@code out} may alias {@code x}. */
    public static void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) exp(FloatVector.fromArray(S, x, xOff + i)).intoArray(out, outOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            exp(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(out, outOff + i, m);
        }
    }
}
