package org.vecformer.engine.diag;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.kernel.Simd;
import org.vecformer.engine.kernel.VectorExp;

/**
 * {@code out[i] = e^{x[i]}} with the JDK's lanewise {@link VectorOperators#EXP} (an intrinsic stub where the JVM
 * has one, else a per-lane {@link Math#exp}). The contender measured against our polynomial {@link VectorExp}
 * (both are measured so the choice of kernel rests on numbers). Twin: {@link org.vecformer.engine.reference.RefExp#exp}.
 *
 * <p>It meets the accuracy bound of an exp kernel (relative error <= 2e-7, exact special values) and is about twice as fast as ours on AVX-512 ({@code vecformer bench exp}),
 * but the kernels keep {@link VectorExp}: this one's bits change when C2 compiles it (stub vs per-lane fallback),
 * which would make training depend on JIT timing; {@code ExpBitsTest} holds ours to the same bits under {@code -Xint}.
 */
public final class JdkVectorExp {
    private static final VectorSpecies<Float> S = Simd.F;

    private JdkVectorExp() {}

    /** {@code out[i] = e^{x[i]}} for {@code i < n}; {@code out} may alias {@code x}. */
    public static void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        int step = S.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.EXP).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOff + i, m).lanewise(VectorOperators.EXP).intoArray(out, outOff + i, m);
        }
    }
}
