package org.vecformer.bench;

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
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Config;

/**
 * One training step ({@link Trainer#step()}: forward, cross-entropy, backward, clip 1.0, AdamW) on seeded uniform
 * random tokens. Configs (layers/d_model/heads×d_head/n_ctx/d_vocab/batch, all LN):
 * {@code induction} = 2/64/4×16/64/64/32 (the {@code vecformer train} induction default),
 * {@code d512} = 2/512/8×64/256/512/8.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class TrainStepBench {
    @Param({"induction", "d512"})
    String config;

    @Param({"1", "2"})
    int threads;

    Trainer trainer;
    int savedThreads;

    @Setup
    public void setup() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(threads);
        trainer = switch (config) {
            case "induction" -> Trainer.forThroughput(Config.of(2, 64, 4, 16, 64, 64), 32, 2e-3, 1);
            case "d512" -> Trainer.forThroughput(Config.of(2, 512, 8, 64, 256, 512), 8, 2e-3, 1);
            default -> throw new IllegalArgumentException("unknown config " + config);
        };
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(savedThreads);
    }

    @Benchmark
    public Trainer.Progress step() {
        return trainer.step();
    }
}
