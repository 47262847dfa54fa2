package org.vecformer.bench;

import java.util.Arrays;
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
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.KvCache;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * One generation step with a KV cache on an attn-only-2l-shaped model (2 layers, d_model 512, 8 heads × 64,
 * n_ctx 1024, d_vocab 48262, LN, seeded random weights): the logits of one token at position p given a cache of
 * p positions ({@link KvCache#append} of one token, then {@link KvCache#truncate} back to p). Time per token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class DecodeBench {
    @Param({"128", "512", "1023"})
    int p;

    @Param({"1", "2"})
    int threads;

    KvCache cache;
    int next;
    int savedThreads;

    @Setup
    public void setup() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(threads);
        Config c = Config.of(2, 512, 8, 64, 1024, 48262);
        int[] tokens = new SplittableRandom(p).ints(p + 1, 0, c.dVocab()).toArray();
        cache = new Transformer(Weights.init(c, 42)).kvCache();
        if (p > 0) cache.append(Arrays.copyOf(tokens, p));
        next = tokens[p];
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(savedThreads);
    }

    @Benchmark
    public Tensor step() {
        Tensor logits = cache.append(next);
        cache.truncate(p);
        return logits;
    }
}
