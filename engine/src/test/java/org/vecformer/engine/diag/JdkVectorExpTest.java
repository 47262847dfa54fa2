package org.vecformer.engine.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.Lengths;
import org.vecformer.engine.kernel.VectorExp;
import org.vecformer.engine.reference.RefExp;

/**
 * Does the JDK's {@code VectorOperators.EXP} meet the accuracy bar we set for an exp kernel (relative error
 * <= 2e-7 for normal results, exact special values)? Only then may the benchmark decide between it and {@link VectorExp}.
 * The sweep is dense (over 20 million inputs) so nearly all of it runs in C2's intrinsic, not the interpreter's
 * per-lane {@link Math#exp} fallback.
 */
@Tag("kernel")
class JdkVectorExpTest {
    private static final double REL = 2e-7;

    /** Every 97th float in [-104, 89]: relative error of normal results, exact +∞ above the float range, one subnormal step below. */
    @Test
    void sweepOfTheSoftmaxRangeIsWithinTheBound() {
        float[] x = new float[4096], out = new float[4096];
        double worst = 0;
        float worstX = 0;
        int count = 0, n = 0;
        for (int sign = 0; sign < 2; sign++) {
            long start = sign == 0 ? 0 : 0x8000_0000L, end = Float.floatToRawIntBits(sign == 0 ? 89f : -104f) & 0xffff_ffffL;
            for (long bits = start; bits <= end; bits += 97) {
                x[n++] = Float.intBitsToFloat((int) bits);
                if (n == x.length || bits + 97 > end) {
                    JdkVectorExp.exp(n, x, 0, out, 0);
                    for (int i = 0; i < n; i++) {
                        double exact = Math.exp(x[i]);
                        double err = (float) exact == Float.POSITIVE_INFINITY ? (out[i] == Float.POSITIVE_INFINITY ? 0 : 1)
                                : exact >= Float.MIN_NORMAL ? Math.abs(out[i] - exact) / exact
                                : Math.abs(out[i] - exact) <= Float.MIN_VALUE ? 0 : 1;
                        if (err > worst) {
                            worst = err;
                            worstX = x[i];
                        }
                    }
                    count += n;
                    n = 0;
                }
            }
        }
        assertTrue(count > 20_000_000, "swept " + count + " inputs");
        assertTrue(worst <= REL, "worst relative error " + worst + " at x = " + worstX);
    }

    @Test
    void specialValuesAreExact() {
        float[] x = {0f, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -104f, -200f, -1e30f, 89f, 1e30f,
                -Float.MIN_VALUE, Float.MIN_VALUE};
        float[] out = new float[x.length];
        JdkVectorExp.exp(x.length, x, 0, out, 0);
        float[] expected = {1f, 1f, 0f, Float.POSITIVE_INFINITY, Float.NaN, 0f, 0f, 0f, Float.POSITIVE_INFINITY,
                Float.POSITIVE_INFINITY, 1f, 1f};
        for (int i = 0; i < x.length; i++) assertEquals(expected[i], out[i], 0f, "exp(" + x[i] + ")");
    }

    @Test
    void matchesTwinAtOffsetsOnAwkwardLengths() {
        Random rnd = new Random(12);
        Lengths.awkward().forEach(n -> {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 40 - 30;
            float[] expected = new float[n + 5], got = new float[n + 5];
            got[n + 4] = expected[n + 4] = 7f;
            RefExp.exp(n, x, 3, expected, 2);
            JdkVectorExp.exp(n, x, 3, got, 2);
            for (int i = 0; i < n + 5; i++) assertEquals(expected[i], got[i], REL * Math.abs(expected[i]), "n=" + n + " i=" + i);
        });
    }
}
