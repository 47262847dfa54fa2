package org.vecformer.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * Full forward (logits of every position) of an attn-only-2l-shaped model: 2 layers, d_model 512,
 * 8 heads × 64, n_ctx 1024, d_vocab 48262, LN, seeded random weights, T tokens.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class ForwardBench {
    @Param({"1024"})
    int t;

    @Param({"1", "2"})
    int threads;

    Transformer model;
    int[] tokens;
    int savedThreads;

    @Setup
    public void setup() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(threads);
        Config c = Config.of(2, 512, 8, 64, 1024, 48262);
        model = new Transformer(Weights.init(c, 42));
        tokens = new SplittableRandom(7).ints(t, 0, c.dVocab()).toArray();
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(savedThreads);
    }

    @Benchmark
    public void forward(Blackhole bh) {
        bh.consume(model.forward(tokens));
    }
}
