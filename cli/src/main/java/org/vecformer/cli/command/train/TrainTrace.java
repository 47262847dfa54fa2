package org.vecformer.cli.command.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.data.Batch;
import org.vecformer.model.data.BatchSource;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.train.Checkpoint;
import org.vecformer.model.train.TrainConfig;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Weights;

/**
 * {@code vecformer train --trace FILE}: what another implementation needs to replay a run step by step and compare
 * its losses, in one safetensors file:
 * <pre>
 *   the initial parameters            TransformerLens names and shapes (as in a model file)
 *   trace.tokens  [steps, batch, n_ctx+1]   every sequence each step trained on (ids as exact floats), micro-batches in order
 *   trace.loss    [steps]                   the step's mean training loss
 *   trace.lr      [steps]                   the step's learning rate
 *   __metadata__  config (model), train (TrainConfig JSON)
 * </pre>
 * It is a {@link BatchSource} that passes the training data through and keeps every batch drawn.
 */
final class TrainTrace implements BatchSource {
    static final String TOKENS = "trace.tokens", LOSS = "trace.loss", LR = "trace.lr";

    private final BatchSource data;
    private final Weights initial;
    private final List<int[]> drawn = new ArrayList<>();
    private final List<Trainer.Progress> steps = new ArrayList<>();

    /** Records a run that starts from {@code initial} (copied now) and draws from {@code data}. */
    TrainTrace(BatchSource data, Weights initial) {
        this.data = data;
        this.initial = initial.copy();
    }

    @Override
    public int dVocab() {
        return data.dVocab();
    }

    @Override
    public int nCtx() {
        return data.nCtx();
    }

    @Override
    public Batch next(int size) {
        Batch b = data.next(size);
        drawn.add(b.tokens().clone());
        return b;
    }

    /** Takes one step's loss curve row (a {@link TrainCommand#train} listener). */
    void add(Trainer.Progress p) {
        steps.add(p);
    }

    /** Writes the trace atomically. */
    void save(Path file, TrainConfig tc) throws IOException {
        int n = steps.size(), width = tc.batch() * (data.nCtx() + 1);
        float[] tokens = new float[n * width], loss = new float[n], lr = new float[n];
        int at = 0;
        for (int[] micro : drawn.subList(0, n * tc.accumulation())) {
            for (int id : micro) tokens[at++] = id;
        }
        for (int s = 0; s < n; s++) {
            loss[s] = (float) steps.get(s).trainLoss();
            lr[s] = (float) steps.get(s).lr();
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(initial.stateDict());
        tensors.put(TOKENS, Tensor.of(tokens, n, tc.batch(), data.nCtx() + 1));
        tensors.put(LOSS, Tensor.of(loss, n));
        tensors.put(LR, Tensor.of(lr, n));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelFile.CONFIG_KEY, initial.config().toJson());
        meta.put(Checkpoint.TRAIN_KEY, tc.toJson());
        SafetensorsWriter.write(file, meta, tensors);
    }
}
