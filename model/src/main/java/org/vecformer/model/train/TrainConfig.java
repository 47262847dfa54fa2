package org.vecformer.model.train;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.model.transformer.Weights;

/**
 * Hyper-parameters of a training run. One optimisation step uses {@code batch} sequences, as {@code accumulation}
 * micro-batches of {@code batch / accumulation} whose gradients add up; the loss is the mean over all its tokens.
 * The learning rate follows {@link WarmupCosine} (peak {@code lr}, {@code warmup} steps, floor {@code minLr} at
 * {@code steps}); gradients are clipped to global norm {@code clip}; AdamW decays matrices by {@code weightDecay}.
 * Every {@code evalEvery} steps (and after the last) the mean loss on {@code evalSize} held-out sequences is measured.
 * A fresh run starts from {@link Weights#init(org.vecformer.model.transformer.Config, long, double)} with
 * {@code initStd} and {@code seed}, which also seeds the data.
 */
public record TrainConfig(int steps, int batch, int accumulation, double lr, int warmup, double minLr,
                          double weightDecay, double clip, int evalEvery, int evalSize, double initStd, long seed) {
    public TrainConfig {
        positive("steps", steps);
        positive("batch", batch);
        positive("accumulation", accumulation);
        positive("eval every", evalEvery);
        positive("eval size", evalSize);
        if (batch % accumulation != 0) {
            throw new IllegalArgumentException("batch " + batch + " is not a multiple of the accumulation steps " + accumulation);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be > 0, not " + lr);
        if (!(minLr >= 0 && minLr <= lr)) throw new IllegalArgumentException("min learning rate must be in [0, lr], not " + minLr);
        if (warmup < 0 || warmup > steps) throw new IllegalArgumentException("warm-up must be in [0, steps], not " + warmup);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, not " + weightDecay);
        if (!(clip > 0)) throw new IllegalArgumentException("clip norm must be > 0, not " + clip);
        if (!(initStd >= 0) || Double.isInfinite(initStd)) throw new IllegalArgumentException("init std must be >= 0, not " + initStd);
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, not " + v);
    }

    /**
     * Defaults for {@code steps} steps of {@code batch} sequences at peak {@code lr}: no accumulation, warm-up over
     * 5% of the steps, floor lr/10, weight decay 0.01, clip 1.0, held-out loss every max(1, steps/10) steps on 128 sequences,
     * initial weights of std {@link Weights#DEFAULT_INIT_STD}.
     */
    public static TrainConfig of(int steps, int batch, double lr, long seed) {
        return new TrainConfig(steps, batch, 1, lr, steps / 20, lr / 10, 0.01, 1.0, Math.max(1, steps / 10), 128, Weights.DEFAULT_INIT_STD, seed);
    }

    public TrainConfig withSteps(int s) {
        return new TrainConfig(s, batch, accumulation, lr, Math.min(warmup, s), minLr, weightDecay, clip, evalEvery, evalSize, initStd, seed);
    }

    /** This config with {@code w} warm-up steps. */
    public TrainConfig withWarmup(int w) {
        return new TrainConfig(steps, batch, accumulation, lr, w, minLr, weightDecay, clip, evalEvery, evalSize, initStd, seed);
    }

    /** This config with each step's batch split into {@code a} accumulated micro-batches. */
    public TrainConfig withAccumulation(int a) {
        return new TrainConfig(steps, batch, a, lr, warmup, minLr, weightDecay, clip, evalEvery, evalSize, initStd, seed);
    }

    /** This config with initial weights of standard deviation {@code std}. */
    public TrainConfig withInitStd(double std) {
        return new TrainConfig(steps, batch, accumulation, lr, warmup, minLr, weightDecay, clip, evalEvery, evalSize, std, seed);
    }

    /** Sequences per micro-batch. */
    public int microBatch() {
        return batch / accumulation;
    }

    public WarmupCosine schedule() {
        return new WarmupCosine(lr, warmup, steps, minLr);
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("accumulation", accumulation);
        m.put("lr", lr);
        m.put("warmup", warmup);
        m.put("min_lr", minLr);
        m.put("weight_decay", weightDecay);
        m.put("clip", clip);
        m.put("eval_every", evalEvery);
        m.put("eval_size", evalSize);
        m.put("init_std", initStd);
        m.put("seed", Long.toString(seed));
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write training config JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@link #toJson()}; a missing or malformed field is an {@link IllegalArgumentException}, except
     * {@code init_std}, which checkpoints written before it existed lack (their runs used the default).
     */
    public static TrainConfig fromJson(String json) {
        Map<String, Object> m;
        try {
            m = JSON.std.mapFrom(json);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("training config is not a JSON object");
        }
        if (m == null) throw new IllegalArgumentException("training config is not a JSON object");
        try {
            return new TrainConfig(num(m, "steps").intValue(), num(m, "batch").intValue(), num(m, "accumulation").intValue(),
                    num(m, "lr").doubleValue(), num(m, "warmup").intValue(), num(m, "min_lr").doubleValue(),
                    num(m, "weight_decay").doubleValue(), num(m, "clip").doubleValue(), num(m, "eval_every").intValue(),
                    num(m, "eval_size").intValue(),
                    m.containsKey("init_std") ? num(m, "init_std").doubleValue() : Weights.DEFAULT_INIT_STD, Long.parseLong(String.valueOf(m.get("seed"))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training config field seed is not a whole number");
        }
    }

    private static Number num(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException("training config field " + key + " is missing or not a number");
        return n;
    }
}
