package org.vecformer.model.tl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.vecformer.engine.io.Dtype;
import org.vecformer.engine.io.SafetensorsException;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.io.SafetensorsTensor;
import org.vecformer.engine.io.torch.TorchCheckpoint;
import org.vecformer.engine.io.torch.TorchCheckpointException;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.FileKind;

/**
 * A state dict in TransformerLens names read from a file: its floating-point tensors as float32, in file order, and
 * the names of the entries that are not floating point (TransformerLens' boolean {@code attn.mask} buffers, integer
 * counters), which are skipped. Nothing is checked against a config here; {@link TlImport} does that.
 *
 * @param format what the file was: "safetensors" or "pytorch"
 */
public record TlStateDict(Map<String, Tensor> tensors, List<String> skipped, String format) {
    public TlStateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        skipped = List.copyOf(skipped);
    }

    /**
     * Reads the state dict in {@code path}, whatever format it is in (safetensors, or a PyTorch checkpoint through the
     * engine's safe {@link TorchCheckpoint} reader). For progress, {@code onTotal} hears the size of the work before it
     * starts and {@code onDone} how much is done after each step: tensors for safetensors, MiB of storage for PyTorch.
     *
     * @throws IOException one line naming the file and the problem: missing, not a state dict (a tokenizer or a
     *     config is named as such), malformed
     */
    public static TlStateDict read(Path path, IntConsumer onTotal, IntConsumer onDone) throws IOException {
        if (!Files.exists(path)) throw new IOException(path + ": no such file");
        if (Files.isDirectory(path)) throw new IOException(path + ": is a directory, not a state dict file");
        FileKind kind = FileKind.sniff(path);
        return switch (kind) {
            case PYTORCH -> readPyTorch(path, onTotal, onDone);
            case TOKENIZER_JSON -> throw new IOException(path + ": this is a tokenizer, not a state dict");
            case CONFIG_JSON -> throw new IOException(path + ": this is a model config, not a state dict (give it as --config)");
            case JSON_OBJECT -> throw new IOException(path + ": this is a JSON file, not a state dict (safetensors or PyTorch)");
            case OTHER -> readSafetensors(path, onTotal, onDone);
        };
    }

    /**
     * A PyTorch checkpoint ({@code torch.save} of a state dict, as the Hub's {@code model_final.pth}), read without
     * running any of its pickle: float tensors as float32, the others (the bool {@code attn.mask} buffers) skipped.
     */
    static TlStateDict readPyTorch(Path path, IntConsumer onTotal, IntConsumer onMiB) throws IOException {
        onTotal.accept((int) Math.max(1, Files.size(path) >> 20));
        try {
            TorchCheckpoint.StateDict sd = TorchCheckpoint.read(path, bytes -> onMiB.accept((int) (bytes >> 20)));
            return new TlStateDict(sd.tensors(), sd.skipped(), "pytorch");
        } catch (TorchCheckpointException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Every float entry (F32, F16, BF16, F64) of a safetensors file as float32; the others skipped by name. */
    static TlStateDict readSafetensors(Path path, IntConsumer onTotal, IntConsumer onTensor) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            List<String> skipped = new ArrayList<>();
            onTotal.accept(file.tensors().size());
            for (SafetensorsTensor t : file.tensors().values()) {
                if (isFloat(t.dtype())) tensors.put(t.name(), file.tensor(t.name()));
                else skipped.add(t.name());
                onTensor.accept(tensors.size() + skipped.size());
            }
            return new TlStateDict(tensors, skipped, "safetensors");
        } catch (SafetensorsException e) {
            throw new IOException(e.getMessage() + " (--weights takes a safetensors or PyTorch state dict)", e);
        }
    }

    private static boolean isFloat(Dtype d) {
        return d == Dtype.F32 || d == Dtype.F16 || d == Dtype.BF16 || d == Dtype.F64;
    }
}
