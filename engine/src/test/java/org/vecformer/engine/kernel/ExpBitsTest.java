package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Our {@link VectorExp} gives the same bits in an interpreting JVM ({@code -Xint}) as after C2 has compiled it. This
 * is why softmax, cross-entropy and attention keep it although {@link org.vecformer.engine.diag.JdkVectorExp} is about twice as fast on
 * AVX-512: the JDK's EXP runs an intrinsic stub once compiled and a per-lane {@code Math.exp} before, whose bits
 * differ, so a training run would depend on when the JIT kicked in.
 */
@Tag("kernel")
class ExpBitsTest {
    private static final int N = 4099;

    @Test
    void vectorExpHasTheSameBitsInterpretedAndCompiled() throws IOException, InterruptedException {
        float[] x = inputs(), out = new float[N];
        for (int round = 0; round < 3000; round++) VectorExp.exp(N, x, 0, out, 0);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-D" + Simd.BITS_PROPERTY + "=" + Simd.F.vectorBitSize(), "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String interpreted = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor());
        assertEquals(hex(out), interpreted, "e^x of the same inputs under -Xint and compiled");
    }

    private static float[] inputs() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) x[i] = (float) (-90 + 180 * rnd.nextDouble());
        List<Float> special = List.of(0f, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -87.5f, 88.7f, -103.9f);
        for (int i = 0; i < special.size(); i++) x[i * 97] = special.get(i);
        return x;
    }

    private static String hex(float[] v) {
        return String.join(",", Arrays.stream(toInts(v)).mapToObj(Integer::toHexString).toList());
    }

    private static int[] toInts(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) bits[i] = Float.floatToRawIntBits(v[i]);
        return bits;
    }

    /** Runs in the interpreted child JVM: prints the bits of e^x of the same inputs. */
    public static final class Child {
        public static void main(String[] args) {
            float[] out = new float[N];
            VectorExp.exp(N, inputs(), 0, out, 0);
            System.out.println(hex(out));
        }
    }
}
