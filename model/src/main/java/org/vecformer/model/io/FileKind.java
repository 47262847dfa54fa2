package org.vecformer.model.io;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a file that is given where a model or a state dict belongs most likely is, from its first bytes, so that
 * a refusal can say what to do instead. Only asked after the file failed to open as safetensors, or before reading
 * it as a state dict.
 */
public enum FileKind {
    /** {@code torch.save} output: a zip archive ({@code PK\3\4}, the default since PyTorch 1.6) or a legacy pickle stream. */
    PYTORCH,
    /** A Hugging Face {@code tokenizer.json}: a JSON object with {@code added_tokens} or a {@code model} holding a {@code vocab}. */
    TOKENIZER_JSON,
    /** A model config: a JSON object with {@code d_model} and {@code n_layers} (TransformerLens or its training config). */
    CONFIG_JSON,
    /** Any other JSON object. */
    JSON_OBJECT,
    /** None of the above (safetensors, or something unknown). */
    OTHER;

    /** Largest file parsed as JSON to tell a tokenizer from a config (tokenizer.json files are a few MB). */
    private static final long MAX_JSON_BYTES = 256L << 20;

    /** The kind of {@code path}, reading at most its first bytes unless it starts like a JSON object. */
    public static FileKind sniff(Path path) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(8);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return PYTORCH;
        // A legacy torch.save stream starts with the pickled magic number: PROTO 2 (0x80 0x02), LONG1 of 10 bytes
        // (0x8a 0x0a). As a safetensors header length those bytes would exceed the format's 100 MB limit.
        if (head.length >= 4 && (head[0] & 0xFF) == 0x80 && head[1] == 2 && (head[2] & 0xFF) == 0x8a && head[3] == 0x0a) {
            return PYTORCH;
        }
        int first = firstNonSpace(head);
        if (first != '{' || Files.size(path) > MAX_JSON_BYTES) return OTHER;
        Map<String, Object> json;
        try (InputStream in = Files.newInputStream(path)) {
            json = JSON.std.mapFrom(in);
        } catch (IOException | RuntimeException e) {
            return OTHER;
        }
        if (json == null) return OTHER;
        if (json.containsKey("added_tokens") || json.get("model") instanceof Map<?, ?> m && m.containsKey("vocab")) {
            return TOKENIZER_JSON;
        }
        if (json.containsKey("d_model") && json.containsKey("n_layers")) return CONFIG_JSON;
        return JSON_OBJECT;
    }

    /** The first byte that is not JSON whitespace or a UTF-8 byte-order mark, or -1. */
    private static int firstNonSpace(byte[] head) {
        int i = head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF ? 3 : 0;
        for (; i < head.length; i++) {
            byte b = head[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return b;
        }
        return -1;
    }
}
