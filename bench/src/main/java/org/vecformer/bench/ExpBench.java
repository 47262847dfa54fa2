package org.vecformer.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vecformer.engine.diag.JdkVectorExp;
import org.vecformer.engine.kernel.VectorExp;
import org.vecformer.engine.reference.RefExp;

/**
 * e^x over n floats in [-30, 0] (the softmax range): our polynomial {@link VectorExp} against the JDK's
 * lanewise {@link VectorOperators#EXP} ({@link JdkVectorExp}) and a scalar {@link Math#exp} loop, and our 2^x softmax form.
 * Average time per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ExpBench {
    @Param({"1024", "65536"})
    int n;

    float[] x, x2, out;

    @Setup
    public void setup() {
        Random rnd = new Random(42);
        x = new float[n];
        out = new float[n];
        x2 = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -30 * rnd.nextFloat();
            x2[i] = (float) (x[i] * 1.4426950408889634);
        }
    }

    @Benchmark
    public float[] vectorExp() {
        VectorExp.exp(n, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] jdkLanewiseExp() {
        JdkVectorExp.exp(n, x, 0, out, 0);
        return out;
    }

    /** The 2^x form softmax and attention use, on the same values pre-multiplied by log2 e. */
    @Benchmark
    public float[] vectorExp2SoftmaxForm() {
        VectorExp.exp2NonPositive(n, x2, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] scalarMathExp() {
        RefExp.exp(n, x, 0, out, 0);
        return out;
    }
}
