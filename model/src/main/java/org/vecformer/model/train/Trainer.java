package org.vecformer.model.train;

import java.util.Arrays;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.data.Batch;
import org.vecformer.model.data.BatchSource;
import org.vecformer.model.data.UniformTokens;
import org.vecformer.model.transformer.Backward;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.ShardedBackward;
import org.vecformer.model.transformer.Weights;

/**
 * The training loop. One {@link #step()}:
 * <pre>
 *   grads = 0
 *   for each of the accumulation micro-batches (drawn from the data source):
 *       grads += ∂(Σ_tokens loss)/∂p / (batch·n_ctx)          forward, cross-entropy, backward ({@link ShardedBackward})
 *   clip grads to global norm {@code clip};  AdamW step with lr = schedule(step)
 * </pre>
 * and every {@code evalEvery} steps (and at the last) the mean loss on a fixed held-out batch. The weights are
 * updated in place. Everything is seeded, a micro-batch is split into a fixed number of shards and every kernel
 * splits outputs, so a run has the same bits for any thread count, and {@link #checkpoint()} / {@link #resume} continue it bit-exactly.
 */
public final class Trainer {
    /** One row of the loss curve; {@code heldOutLoss} is NaN on steps without evaluation. */
    public record Progress(int step, double trainLoss, double heldOutLoss, double lr, double tokensPerSecond) {}

    private final Weights weights;
    private final TrainConfig config;
    private final BatchSource data;
    private final Batch heldOut;
    private final AdamW adam;
    private final Map<String, Tensor> grads;
    private final ShardedBackward backward;
    private final WarmupCosine schedule;
    private long draws;

    /** A fresh run from {@code weights} (trained in place) on {@code data}, evaluated on {@code heldOut}. */
    public Trainer(Weights weights, TrainConfig config, BatchSource data, Batch heldOut) {
        if (data.nCtx() > weights.config().nCtx() || heldOut.nCtx() > weights.config().nCtx()) {
            throw new IllegalArgumentException("sequences of " + data.nCtx() + " tokens do not fit n_ctx " + weights.config().nCtx());
        }
        if (data.dVocab() > weights.config().dVocab()) {
            throw new IllegalArgumentException("the data has " + data.dVocab() + " token ids but d_vocab is " + weights.config().dVocab());
        }
        this.weights = weights;
        this.config = config;
        this.data = data;
        this.heldOut = heldOut;
        this.adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, config.weightDecay()), weights.stateDict());
        this.grads = Backward.zeroGradients(weights);
        this.backward = new ShardedBackward(weights);
        this.schedule = config.schedule();
    }

    /**
     * An endless run for throughput measurements: weights {@link Weights#init}-ed from {@code seed}, {@code batch}
     * sequences of seeded {@link UniformTokens} per step, constant learning rate {@code lr} (no warm-up, floor = peak),
     * clip 1.0, weight decay 0.01, and never a held-out evaluation.
     */
    public static Trainer forThroughput(Config c, int batch, double lr, long seed) {
        TrainConfig tc = new TrainConfig(Integer.MAX_VALUE, batch, 1, lr, 0, lr, 0.01, 1.0, Integer.MAX_VALUE, 1, Weights.DEFAULT_INIT_STD, seed);
        UniformTokens data = new UniformTokens(c.dVocab(), c.nCtx(), seed);
        return new Trainer(Weights.init(c, seed, tc.initStd()), tc, data, new UniformTokens(c.dVocab(), c.nCtx(), ~seed).next(1));
    }

    /**
     * Continues the run saved in {@code ck} under {@code config} (normally {@code ck.train()}, possibly with more
     * steps): weights and optimiser state from the checkpoint, and {@code data} (built as for the original run)
     * advanced past the micro-batches already drawn.
     */
    public static Trainer resume(Checkpoint ck, TrainConfig config, BatchSource data, Batch heldOut) {
        Trainer t = new Trainer(ck.weights(), config, data, heldOut);
        t.adam.importState(ck.optimizer());
        for (long i = 0; i < ck.draws(); i++) data.next(config.microBatch());
        t.draws = ck.draws();
        return t;
    }

    public Weights weights() {
        return weights;
    }

    public TrainConfig config() {
        return config;
    }

    /** Steps taken so far. */
    public int stepsDone() {
        return adam.step();
    }

    public boolean done() {
        return adam.step() >= config.steps();
    }

    /** One optimisation step (see the class comment); returns its loss curve row. */
    public Progress step() {
        long start = System.nanoTime();
        int s = adam.step(), micro = config.microBatch(), t = data.nCtx();
        for (Tensor g : grads.values()) Arrays.fill(g.data(), 0f);
        float scale = 1f / ((float) config.batch() * t);
        double loss = 0;
        for (int a = 0; a < config.accumulation(); a++) {
            Batch b = data.next(micro);
            draws++;
            loss += backward.lossAndGradients(b.inputs(), b.targets(), micro, t, scale, grads);
        }
        GradClip.clip(grads, config.clip());
        double lr = schedule.lr(s);
        adam.step(grads, lr);
        double seconds = (System.nanoTime() - start) * 1e-9;
        int done = s + 1;
        boolean eval = done % config.evalEvery() == 0 || done == config.steps();
        return new Progress(done, loss / ((double) config.batch() * t), eval ? heldOutLoss() : Double.NaN, lr,
                config.batch() * t / Math.max(seconds, 1e-9));
    }

    /** Mean next-token loss on the held-out batch, in micro-batch-sized pieces. */
    public double heldOutLoss() {
        int n = heldOut.size(), t = heldOut.nCtx(), micro = config.microBatch();
        int[] inputs = heldOut.inputs(), targets = heldOut.targets();
        double sum = 0;
        for (int from = 0; from < n; from += micro) {
            int size = Math.min(micro, n - from);
            sum += backward.loss(Arrays.copyOfRange(inputs, from * t, (from + size) * t),
                    Arrays.copyOfRange(targets, from * t, (from + size) * t), size, t);
        }
        return sum / ((double) n * t);
    }

    /** The run's state now, with {@code metadata} (task, tokenizer, …) to store beside it. */
    public Checkpoint checkpoint(Map<String, String> metadata) {
        return new Checkpoint(weights.copy(), adam.exportState(), draws, config, metadata);
    }
}
