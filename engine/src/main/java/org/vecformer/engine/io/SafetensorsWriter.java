package org.vecformer.engine.io;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.vecformer.engine.tensor.Tensor;

/**
 * Writes F32 safetensors files atomically: the bytes go to a fresh temporary file in the target's directory,
 * are forced to disk, and the temporary file is renamed over the target in one step
 * ({@link StandardCopyOption#ATOMIC_MOVE}), so the target name only ever shows the old file or the complete
 * new one. On failure the temporary file is deleted and the old file is left as it was.
 */
public final class SafetensorsWriter {
    private static final int CHUNK_FLOATS = 1 << 14;

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensors} as F32 in the map's iteration order (views are written as contiguous row-major
     * copies), with {@code metadata} as {@code __metadata__} when it is not empty. The header is padded with
     * spaces to a multiple of 8 bytes so that the data buffer starts 8-byte aligned.
     *
     * @throws IllegalArgumentException for a null name, tensor or metadata entry, a tensor named
     *     {@code __metadata__}, or a header beyond {@link SafetensorsFile#MAX_HEADER_BYTES}; nothing is written then
     * @throws IOException when the file cannot be written or renamed; the temporary file is removed and any
     *     previous file under {@code file} is left as it was
     */
    public static void write(Path file, Map<String, String> metadata, Map<String, Tensor> tensors) throws IOException {
        List<Map.Entry<String, Tensor>> entries = List.copyOf(tensors.entrySet());
        byte[] header = header(metadata, entries);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = dir.resolve("." + target.getFileName() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            try (out) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
                for (Map.Entry<String, Tensor> e : entries) writeElements(out, e.getValue(), chunk);
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** The header JSON, space-padded to a multiple of 8 bytes; tensors take consecutive F32 byte ranges. */
    private static byte[] header(Map<String, String> metadata, List<Map.Entry<String, Tensor>> entries) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            metadata.forEach((k, v) -> {
                if (k == null || v == null) throw new IllegalArgumentException("metadata keys and values must not be null");
            });
            json.put(SafetensorsHeader.METADATA, metadata);
        }
        long at = 0;
        for (Map.Entry<String, Tensor> e : entries) {
            String name = e.getKey();
            if (name == null || e.getValue() == null) throw new IllegalArgumentException("tensor names and tensors must not be null");
            if (name.equals(SafetensorsHeader.METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + SafetensorsHeader.METADATA);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", Dtype.F32.name());
            entry.put("shape", Arrays.stream(e.getValue().shape()).boxed().toList());
            long end = at + (long) Dtype.F32.size() * e.getValue().size();
            entry.put("data_offsets", List.of(at, end));
            json.put(name, entry);
            at = end;
        }
        byte[] text = JSON.std.asBytes(json);
        if (text.length > SafetensorsFile.MAX_HEADER_BYTES - 8) {
            throw new IllegalArgumentException("header of " + text.length + " bytes exceeds the "
                    + SafetensorsFile.MAX_HEADER_BYTES + "-byte limit readers accept");
        }
        byte[] padded = Arrays.copyOf(text, (text.length + 7) & ~7);
        Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        return padded;
    }

    /** Writes the elements of {@code t} in row-major order: contiguous runs directly, views slice by slice. */
    private static void writeElements(FileChannel out, Tensor t, ByteBuffer chunk) throws IOException {
        if (!t.isContiguous()) {
            for (int i = 0; i < t.dim(0); i++) writeElements(out, t.slice(i), chunk);
            return;
        }
        FloatBuffer floats = chunk.clear().asFloatBuffer();
        for (int from = 0; from < t.size(); from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, t.size() - from);
            floats.clear();
            floats.put(t.data(), t.offset() + from, n);
            chunk.clear().limit(4 * n);
            writeFully(out, chunk);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) out.write(bytes);
    }

    /** Forces the rename itself to disk where the platform lets a directory be opened (not on Windows). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // The file is complete and renamed; only the durability of the rename across a crash is unconfirmed.
        }
    }
}
