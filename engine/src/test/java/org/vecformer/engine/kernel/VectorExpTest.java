package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.reference.RefExp;

/** The SIMD exp against {@link Math#exp} over a dense sweep of the float range, plus the special values. */
@Tag("kernel")
class VectorExpTest {
    /** Relative error bound for normal results. */
    private static final double REL = 2e-7;

    /** Error of one result: +∞ beyond the float range, relative when e^x is a normal float, one smallest subnormal below. */
    private static void assertClose(float x, float got) {
        double exact = Math.exp(x);
        boolean ok;
        if ((float) exact == Float.POSITIVE_INFINITY) ok = got == Float.POSITIVE_INFINITY;
        else if (exact >= Float.MIN_NORMAL) ok = Math.abs(got - exact) <= REL * exact;
        else ok = Math.abs(got - exact) <= Float.MIN_VALUE;
        if (!ok) fail("exp(" + x + ") = " + got + ", exact " + exact + ", relative error " + Math.abs(got - exact) / exact);
    }

    @Test
    void everyNinetySeventhFloatInTheSoftmaxRangeIsWithinTheBound() {
        int count = 0;
        float[] x = new float[4096], out = new float[4096];
        for (int sign = 0; sign < 2; sign++) {
            float limit = sign == 0 ? 89f : 104f;
            long start = sign == 0 ? 0 : 0x8000_0000L, end = Float.floatToRawIntBits(sign == 0 ? limit : -limit) & 0xffff_ffffL;
            int n = 0;
            for (long bits = start; bits <= end; bits += 97) {
                x[n++] = Float.intBitsToFloat((int) bits);
                if (n == x.length) {
                    check(x, out, n);
                    count += n;
                    n = 0;
                }
            }
            check(x, out, n);
            count += n;
        }
        assertTrue(count > 20_000_000, "swept " + count + " inputs");
    }

    private static void check(float[] x, float[] out, int n) {
        VectorExp.exp(n, x, 0, out, 0);
        for (int i = 0; i < n; i++) assertClose(x[i], out[i]);
    }

    @Test
    void exp2OfEvery1009thNonPositiveFloatIsWithinTheBound() {
        float[] x = new float[4096], out = new float[4096];
        long end = Float.floatToRawIntBits(-130f) & 0xffff_ffffL;
        int n = 0;
        for (long bits = 0x8000_0000L; bits <= end; bits += 1009) {
            x[n++] = Float.intBitsToFloat((int) bits);
            if (n == x.length || bits + 1009 > end) {
                VectorExp.exp2NonPositive(n, x, 0, out, 0);
                for (int i = 0; i < n; i++) {
                    double exact = Math.pow(2, x[i]);
                    boolean ok = x[i] <= -126.5f ? out[i] == 0f
                            : exact >= Float.MIN_NORMAL ? Math.abs(out[i] - exact) <= REL * exact
                            : Math.abs(out[i] - exact) <= Float.MIN_VALUE;
                    if (!ok) fail("2^" + x[i] + " = " + out[i] + ", exact " + exact);
                }
                n = 0;
            }
        }
        float[] special = {0f, -0f, Float.NEGATIVE_INFINITY, Float.NaN, -1e30f, -1f, -0.5f, -126.5f};
        float[] got = new float[special.length], expected = new float[special.length];
        VectorExp.exp2NonPositive(special.length, special, 0, got, 0);
        RefExp.exp2NonPositive(special.length, special, 0, expected, 0);
        assertArrayEquals(new float[] {1f, 1f, 0f, Float.NaN, 0f, 0.5f, (float) Math.sqrt(0.5), 0f}, got, 0f);
        assertArrayEquals(expected, got, 0f);
    }

    @Test
    void specialValuesAreExact() {
        float[] x = {0f, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -104f, -200f, -1e30f,
                89f, 88.8f, 1e30f, -Float.MIN_VALUE, Float.MIN_VALUE, -87.3365f, -103.97f};
        float[] out = new float[x.length];
        VectorExp.exp(x.length, x, 0, out, 0);
        assertEquals(1f, out[0], 0f);
        assertEquals(1f, out[1], 0f);
        assertEquals(0f, out[2], 0f);
        assertEquals(Float.POSITIVE_INFINITY, out[3], 0f);
        assertTrue(Float.isNaN(out[4]));
        assertEquals(0f, out[5], 0f);
        assertEquals(0f, out[6], 0f);
        assertEquals(0f, out[7], 0f);
        assertEquals(Float.POSITIVE_INFINITY, out[8], 0f);
        assertEquals(Float.POSITIVE_INFINITY, out[9], 0f);
        assertEquals(Float.POSITIVE_INFINITY, out[10], 0f);
        assertEquals(1f, out[11], 0f);
        assertEquals(1f, out[12], 0f);
        for (int i = 13; i < x.length; i++) assertClose(x[i], out[i]);
    }

    @Test
    void matchesTwinAtOffsetsOnAwkwardLengths() {
        Random rnd = new Random(11);
        Lengths.awkward().forEach(n -> {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 40 - 30;
            float[] expected = new float[n + 5], got = new float[n + 5];
            got[n + 4] = expected[n + 4] = 7f;
            RefExp.exp(n, x, 3, expected, 2);
            VectorExp.exp(n, x, 3, got, 2);
            for (int i = 0; i < n + 5; i++) assertEquals(expected[i], got[i], REL * Math.abs(expected[i]), "n=" + n + " i=" + i);
        });
    }
}
