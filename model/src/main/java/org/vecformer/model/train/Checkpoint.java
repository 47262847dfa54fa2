package org.vecformer.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.io.ModelFileException;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/**
 * Everything a run needs to continue bit-exactly, in one safetensors file: the parameters (TransformerLens names),
 * the optimiser state ({@code adam.m.*}, {@code adam.v.*}, {@code adam.step}, see {@link AdamW#exportState()}),
 * and in {@code __metadata__}: the model config ({@link ModelFile#CONFIG_KEY}), the training config
 * ({@link #TRAIN_KEY}), the number of micro-batches drawn from the data ({@link #DRAWS_KEY}; the data streams are
 * seeded, so replaying that many draws restores their generator) and whatever else the caller adds (task, tokenizer).
 */
public record Checkpoint(Weights weights, Map<String, Tensor> optimizer, long draws, TrainConfig train,
                         Map<String, String> metadata) {
    public static final String TRAIN_KEY = "train", DRAWS_KEY = "data_draws";

    public Checkpoint {
        metadata = Map.copyOf(metadata);
    }

    /** Training steps taken (the optimiser's step count). */
    public int step() {
        return (int) optimizer.get(AdamW.STEP).get(0);
    }

    /** Writes the checkpoint atomically (the file is the old one or the complete new one). */
    public void save(Path path) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(ModelFile.CONFIG_KEY, weights.config().toJson());
        meta.put(TRAIN_KEY, train.toJson());
        meta.put(DRAWS_KEY, Long.toString(draws));
        Map<String, Tensor> tensors = new LinkedHashMap<>(weights.stateDict());
        tensors.putAll(optimizer);
        SafetensorsWriter.write(path, meta, tensors);
    }

    /**
     * Reads a checkpoint written by {@link #save}.
     *
     * @throws ModelFileException one line naming the file and what is wrong with it
     */
    public static Checkpoint load(Path path) throws ModelFileException {
        if (!Files.isRegularFile(path)) throw new ModelFileException(path, "no such checkpoint file");
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            Map<String, String> meta = new LinkedHashMap<>(file.metadata());
            String config = meta.remove(ModelFile.CONFIG_KEY), train = meta.remove(TRAIN_KEY), draws = meta.remove(DRAWS_KEY);
            if (config == null || train == null || draws == null) {
                throw new ModelFileException(path, "is not a training checkpoint (its metadata lacks config, train or data_draws)");
            }
            Config c = Config.fromJson(config);
            Map<String, Tensor> params = new LinkedHashMap<>(), optimizer = new LinkedHashMap<>();
            for (String name : file.tensors().keySet()) (name.startsWith("adam.") ? optimizer : params).put(name, file.tensor(name));
            if (!optimizer.containsKey(AdamW.STEP)) throw new ModelFileException(path, "has no optimiser state (" + AdamW.STEP + ")");
            return new Checkpoint(Weights.fromStateDict(c, params), optimizer, Long.parseLong(draws), TrainConfig.fromJson(train), meta);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path, e.getMessage());
        }
    }
}
