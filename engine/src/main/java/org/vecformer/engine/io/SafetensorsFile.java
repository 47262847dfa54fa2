package org.vecformer.engine.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SequencedMap;
import org.vecformer.engine.tensor.Tensor;

/**
 * A safetensors file, memory-mapped read-only and validated in full by {@link #open(Path)} before anything
 * is read: header length against the file, header as UTF-8 JSON object, every entry's fields, dtype, shape
 * and byte range, and the ranges tiling the data buffer. Tensors are converted to float on each read.
 *
 * <p>Reads may run on several threads; {@link #close()} unmaps the file, after which reads throw
 * {@link IllegalStateException}. The file must not be truncated by another process while it is open.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest header accepted, as the reference implementation: 100 MB. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String file;
    private final Arena arena;
    private final MemorySegment data;
    private final SafetensorsHeader header;

    private SafetensorsFile(String file, Arena arena, MemorySegment data, SafetensorsHeader header) {
        this.file = file;
        this.arena = arena;
        this.data = data;
        this.header = header;
    }

    /** Maps {@code path} and validates it; throws {@link SafetensorsException} naming the first problem. */
    public static SafetensorsFile open(Path path) throws IOException {
        String file = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(file, "file is " + size + " bytes, shorter than the 8-byte header length"
                        + " — not a safetensors file");
            }
            Arena arena = Arena.ofShared();
            try {
                MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                long n = mapped.get(U64, 0);
                if (Long.compareUnsigned(n, size - 8) > 0) {
                    throw new SafetensorsException(file, "header length " + Long.toUnsignedString(n)
                            + " exceeds the file size " + size + " — the file is truncated or not safetensors");
                }
                if (n > MAX_HEADER_BYTES) {
                    throw new SafetensorsException(file, "header length " + n + " exceeds the limit of "
                            + MAX_HEADER_BYTES + " bytes — not a safetensors file this reader accepts");
                }
                byte[] json = mapped.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
                SafetensorsHeader header = SafetensorsHeader.parse(file, json, size - 8 - n);
                return new SafetensorsFile(file, arena, mapped.asSlice(8 + n), header);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    /** The {@code __metadata__} strings, in file order (empty when the file has none). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The tensor entries by name, in file order. */
    public SequencedMap<String, SafetensorsTensor> tensors() {
        return header.tensors();
    }

    /**
     * The elements of tensor {@code name} in row-major order, converted to float: F32 as is, F16 by
     * {@link Float#float16ToFloat}, BF16 as the high half of a float ({@code bits << 16}) (both exact), F64 rounded
     * to the nearest float (Java's {@code (float)} cast; values beyond the float range become infinite).
     */
    public float[] readFloats(String name) throws SafetensorsException {
        SafetensorsTensor t = entry(name);
        long at = t.begin();
        return switch (t.dtype()) {
            case F32 -> {
                float[] out = allocate(t);
                MemorySegment.copy(data, F32, at, out, 0, out.length);
                yield out;
            }
            case F16 -> {
                float[] out = allocate(t);
                for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(data.get(U16, at + 2L * i));
                yield out;
            }
            case BF16 -> {
                float[] out = allocate(t);
                for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((data.get(U16, at + 2L * i) & 0xFFFF) << 16);
                yield out;
            }
            case F64 -> {
                float[] out = allocate(t);
                for (int i = 0; i < out.length; i++) out[i] = (float) data.get(F64, at + 8L * i);
                yield out;
            }
            default -> throw new SafetensorsException(file, "tensor " + SafetensorsHeader.quote(name) + " has dtype "
                    + t.dtype() + ", which does not convert to float (only F32, F16, BF16 and F64 do)");
        };
    }

    private float[] allocate(SafetensorsTensor t) throws SafetensorsException {
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(file, "tensor " + SafetensorsHeader.quote(t.name()) + " has " + t.numel()
                    + " elements, more than a Java array holds");
        }
        return new float[(int) t.numel()];
    }

    /** Tensor {@code name} as a contiguous {@link Tensor} of its shape ({@link #readFloats(String)}). */
    public Tensor tensor(String name) throws SafetensorsException {
        return Tensor.of(readFloats(name), entry(name).shape());
    }

    private SafetensorsTensor entry(String name) throws SafetensorsException {
        SafetensorsTensor t = header.tensors().get(name);
        if (t == null) {
            throw new SafetensorsException(file, "no tensor named " + SafetensorsHeader.quote(name) + " (the file has "
                    + header.tensors().size() + " tensors)");
        }
        return t;
    }

    /** Unmaps the file. */
    @Override
    public void close() {
        arena.close();
    }
}
