package org.vecformer.model.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.vecformer.engine.io.SafetensorsException;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * A model file: safetensors with the state dict under TransformerLens names, the config as JSON in
 * {@code __metadata__.config}, and, for a model that reads text, its tokenizer in
 * {@code __metadata__.tokenizer}: a character tokenizer as {@code {"type":"char","vocab":[…]}} (its vocabulary
 * is exactly d_vocab), or a Hugging Face byte-level BPE as its own {@code tokenizer.json} (every id below
 * d_vocab; models often pad d_vocab past the tokenizer). Loading checks the tensors against the config (see
 * {@link Weights#fromStateDict}); absent biases load as zero.
 */
public record ModelFile(Weights weights, Optional<Tokenizer> storedTokenizer) {
    /** Metadata key of the config JSON. */
    public static final String CONFIG_KEY = "config";
    /** Metadata key of the tokenizer JSON. */
    public static final String TOKENIZER_KEY = "tokenizer";

    public ModelFile {
        checkTokenizer(storedTokenizer, weights.config().dVocab());
    }

    /**
     * Refuses a tokenizer that cannot be stored with a model of {@code dVocab} ids: a character tokenizer must have
     * exactly d_vocab characters, a BPE tokenizer no id at or past d_vocab (models often pad d_vocab), raw ids are none.
     */
    public static void checkTokenizer(Optional<? extends Tokenizer> storedTokenizer, int dVocab) {
        switch (storedTokenizer.orElse(null)) {
            case null -> { }
            case CharTokenizer c when c.vocabSize() != dVocab ->
                    throw new IllegalArgumentException("the tokenizer has " + c.vocabSize() + " characters but d_vocab is " + dVocab);
            case BpeTokenizer b when b.vocabSize() > dVocab ->
                    throw new IllegalArgumentException("the tokenizer has ids up to " + (b.vocabSize() - 1) + " but d_vocab is " + dVocab);
            case IdTokenizer i -> throw new IllegalArgumentException("raw ids are no tokenizer to store: leave the tokenizer out");
            default -> { }
        }
    }

    public Config config() {
        return weights.config();
    }

    /** The text tokenizer: the stored one, else raw ids in {@code [0, d_vocab)}. */
    public Tokenizer tokenizer() {
        return storedTokenizer.orElseGet(() -> new IdTokenizer(config().dVocab()));
    }

    public Transformer transformer() {
        return new Transformer(weights);
    }

    /** Writes the model atomically (the target is the old file or the complete new one, never a part). */
    public void save(Path path) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(CONFIG_KEY, config().toJson());
        storedTokenizer.ifPresent(t -> metadata.put(TOKENIZER_KEY, switch (t) {
            case CharTokenizer c -> c.toJson();
            case BpeTokenizer b -> b.toJson();
            case IdTokenizer i -> throw new IllegalStateException("the constructor refuses a stored IdTokenizer");
        }));
        SafetensorsWriter.write(path, metadata, weights.stateDict());
    }

    /**
     * Reads and validates a model file.
     *
     * @throws ModelFileException one line naming the file and the problem (missing, not safetensors, no or
     *                            bad config, tensors that contradict it, bad tokenizer); a PyTorch checkpoint, a
     *                            tokenizer or a config given instead is named as such, with what to do
     */
    public static ModelFile load(Path path) throws ModelFileException {
        if (!Files.exists(path)) throw new ModelFileException(path, "no such file");
        if (Files.isDirectory(path)) throw new ModelFileException(path, "is a directory, not a model file");
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            String configJson = file.metadata().get(CONFIG_KEY);
            if (configJson == null) {
                throw new ModelFileException(path, "has no __metadata__.config (a safetensors file, but not a vecformer model;"
                        + " a TransformerLens state dict becomes one with: vecformer import --weights " + path
                        + " --config config.json --out MODEL.safetensors)");
            }
            Config config = Config.fromJson(configJson);
            Weights.checkNames(config, file.tensors().keySet());
            Map<String, Tensor> dict = new LinkedHashMap<>();
            for (String name : Weights.shapes(config).keySet()) {
                if (file.tensors().containsKey(name)) dict.put(name, file.tensor(name));
            }
            Weights weights = Weights.fromStateDict(config, dict);
            String tok = file.metadata().get(TOKENIZER_KEY);
            return new ModelFile(weights, tok == null ? Optional.empty() : Optional.of(Tokenizer.fromJson(tok)));
        } catch (ModelFileException e) {
            throw e;
        } catch (SafetensorsException e) {
            throw notSafetensors(path, e);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path, e.getMessage());
        }
    }

    /** Says what a file that is not safetensors is when it is something a user may mistake for a model. */
    private static ModelFileException notSafetensors(Path path, SafetensorsException e) {
        FileKind kind;
        try {
            kind = FileKind.sniff(path);
        } catch (IOException unreadable) {
            kind = FileKind.OTHER;
        }
        return switch (kind) {
            case PYTORCH -> new ModelFileException(path, "this is a PyTorch checkpoint, not a model file: use vecformer import"
                    + " --weights " + path + " --config config.json --out MODEL.safetensors");
            case TOKENIZER_JSON -> new ModelFileException(path, "this is a tokenizer, not a model");
            case CONFIG_JSON -> new ModelFileException(path, "this is a model config, not a model file: use vecformer import"
                    + " --weights WEIGHTS --config " + path + " --out MODEL.safetensors");
            case JSON_OBJECT -> new ModelFileException(path, "this is a JSON file, not a model file (safetensors)");
            case OTHER -> new ModelFileException(e.getMessage());
        };
    }
}
