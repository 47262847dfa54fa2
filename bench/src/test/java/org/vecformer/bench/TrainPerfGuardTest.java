package org.vecformer.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.Attention;
import org.vecformer.engine.kernel.AttentionBackward;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.train.AdamW;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Backward;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/**
 * The CI perf guard of training: one small training step (the induction default, 2 layers, d_model 64, 4 heads ×
 * 16, n_ctx 64, vocab 64, batch 32) and its phases, each timed against GEMMs measured in the same JVM on the same
 * thread. Absolute times mean nothing on a shared 2-core machine; a phase whose ratio to the GEMM grows several-fold
 * has regressed against the rest of the engine (a kernel fallen off its fast path, per-step allocation or string
 * work creeping into the loop). The phases:
 * <pre>
 *   forward            forward pass and loss, no gradients                        (Backward.loss)
 *   forwardBackward    forward, loss and every gradient                           (Backward.lossAndGradients)
 *   attentionForward   one layer's causal attention of the batch, with its pattern (Attention.causal)
 *   attentionBackward  its backward through that pattern                          (AttentionBackward.causal)
 *   optimizer          one AdamW step over every parameter                        (AdamW.step)
 *   step               the whole step: sharded forward+backward, clip, AdamW      (Trainer.step)
 * </pre>
 * Each is {@code best time / best time of eight 128³ GEMMs}, times in this thread's CPU time (the pool is set to
 * one thread, so all the work runs on it, and time spent descheduled on a busy machine does not count): best of
 * interleaved rounds, in blocks repeated after a warm-up until no best moves by more than 10% (interpreted, a vector kernel is
 * a thousand times slower, and on a loaded machine C2 may take tens of seconds to compile the whole step). The
 * bounds in {@code train-phase-bounds.properties} sit a wide margin above the ratios recorded there; the test
 * prints the measured ratios in the bound file's format so they can be re-recorded.
 */
class TrainPerfGuardTest {
    private static final String BOUNDS = "train-phase-bounds.properties";
    private static final long WARMUP_MILLIS = 3000;
    private static final int ROUNDS = 10;
    /** Blocks of rounds are repeated until every best moves less than this fraction, at most MAX_BLOCKS times. */
    private static final double STABLE = 0.10;
    private static final int MAX_BLOCKS = 8;
    /** The unit: UNIT_REPEATS GEMMs of UNIT_N³ (34 MFLOP, about a millisecond), so its time is well above the clock's grain. */
    private static final int UNIT_N = 128, UNIT_REPEATS = 8;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    void everyPhaseStaysWithinItsRecordedRatioToAGemm() throws IOException {
        Properties bounds = new Properties();
        try (InputStream in = TrainPerfGuardTest.class.getResourceAsStream(BOUNDS)) {
            assertNotNull(in, BOUNDS + " is missing from the test resources");
            bounds.load(in);
        }
        int saved = Parallel.threads();
        Parallel.setThreads(1);
        try {
            Map<String, Double> ratios = measure();
            System.out.println("TrainPerfGuardTest measured (re-record " + BOUNDS + " from these):");
            ratios.forEach((phase, r) -> System.out.printf("  %s=%.2f%n", phase, r));
            List<String> over = new ArrayList<>();
            ratios.forEach((phase, r) -> {
                String bound = bounds.getProperty(phase);
                if (bound == null) over.add(phase + " has no bound in " + BOUNDS);
                else if (r > Double.parseDouble(bound)) over.add(String.format("%s takes %.2f units, bound %s", phase, r, bound));
            });
            assertTrue(over.isEmpty(), "training phases slower than their bound in units of eight 128³ GEMMs: " + over);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** Phase name → best time / best time of the unit (eight 128³ GEMMs). */
    private static Map<String, Double> measure() {
        Config c = Config.of(2, 64, 4, 16, 64, 64);
        int batch = 32, t = c.nCtx();
        Trainer trainer = Trainer.forThroughput(c, batch, 2e-3, 1);
        Weights w = Weights.init(c, 2, Weights.DEFAULT_INIT_STD);
        Random rnd = new Random(3);
        int[] inputs = rnd.ints(batch * t, 0, c.dVocab()).toArray(), targets = rnd.ints(batch * t, 0, c.dVocab()).toArray();
        Map<String, Tensor> grads = Backward.zeroGradients(w);
        Weights optimised = Weights.init(c, 4, Weights.DEFAULT_INIT_STD);
        AdamW adam = new AdamW(AdamW.Config.defaults(), optimised.stateDict());
        float[] a = random(UNIT_N * UNIT_N, 5), b = random(UNIT_N * UNIT_N, 6), out = new float[UNIT_N * UNIT_N];

        Map<String, Runnable> work = new LinkedHashMap<>();
        work.put("unit", () -> {
            for (int r = 0; r < UNIT_REPEATS; r++) {
                Gemm.sgemm(Transpose.N, Transpose.N, UNIT_N, UNIT_N, UNIT_N, 1f, a, 0, UNIT_N, b, 0, UNIT_N, 0f, out, 0, UNIT_N);
            }
        });
        work.put("forward", () -> Backward.loss(w, inputs, targets, batch, t));
        work.put("forwardBackward", () -> Backward.lossAndGradients(w, inputs, targets, batch, t, 1f / (batch * t), grads));
        int heads = c.nHeads(), dHead = c.dHead(), width = heads * dHead, ld = 3 * width;
        float[] qkv = random(t * ld, 7), z = new float[t * width], pattern = new float[heads * t * t];
        float[] dz = random(t * width, 8), dQkv = new float[t * ld];
        work.put("attentionForward", () -> {
            for (int s = 0; s < batch; s++) Attention.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, z, 0, width, pattern, 0);
        });
        work.put("attentionBackward", () -> {
            for (int s = 0; s < batch; s++) {
                AttentionBackward.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, pattern, 0, dz, 0, width,
                        dQkv, 0, dQkv, width, dQkv, 2 * width, ld);
            }
        });
        work.put("optimizer", () -> adam.step(grads, 1e-6));
        work.put("step", trainer::step);

        long warmEnd = System.nanoTime() + WARMUP_MILLIS * 1_000_000L;
        do work.values().forEach(Runnable::run); while (System.nanoTime() < warmEnd);
        Map<String, Long> best = block(work), previous;
        int blocks = 1;
        do {
            previous = best;
            best = block(work);
        } while (++blocks < MAX_BLOCKS && !stable(previous, best));
        double unit = best.get("unit");
        Map<String, Double> ratios = new LinkedHashMap<>();
        best.forEach((name, nanos) -> {
            if (!name.equals("unit")) ratios.put(name, nanos / unit);
        });
        return ratios;
    }

    /** Best CPU nanoseconds of this thread (all the work runs on it: one thread) for each job over {@link #ROUNDS} interleaved rounds. */
    private static Map<String, Long> block(Map<String, Runnable> work) {
        Map<String, Long> best = new LinkedHashMap<>();
        for (int r = 0; r < ROUNDS; r++) {
            work.forEach((name, job) -> {
                long t0 = CPU.getCurrentThreadCpuTime();
                job.run();
                best.merge(name, CPU.getCurrentThreadCpuTime() - t0, Math::min);
            });
        }
        return best;
    }

    /** Every job's best within {@link #STABLE} of the block before: C2 has compiled what it runs. */
    private static boolean stable(Map<String, Long> previous, Map<String, Long> best) {
        return best.keySet().stream().allMatch(k -> Math.abs(best.get(k) - previous.get(k)) <= STABLE * previous.get(k));
    }

    private static float[] random(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() - 0.5f;
        return x;
    }
}
