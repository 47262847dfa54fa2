package org.vecformer.engine.io.torch;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Streams one storage record ({@code <stem>/data/<key>}: {@code numel} elements, {@code byteorder}) out of
 * the zip into a new {@code float[numel]}, a chunk at a time, so the file is never held in memory:
 * F32 as is, F16 by {@link Float#float16ToFloat}, BF16 as the high half of a float ({@code bits << 16}),
 * F64 by {@code (float)}, i.e. rounded to nearest even. Callers have checked the record's size.
 */
final class StorageReader {
    /** A multiple of every element size. */
    private static final int CHUNK = 1 << 20;

    private final String file;
    private final ZipFile zip;
    private final LongConsumer bytesDone;
    private final byte[] chunk = new byte[CHUNK];
    private final ValueLayout.OfFloat f32;
    private final ValueLayout.OfShort u16;
    private final ValueLayout.OfDouble f64;
    private long done;

    StorageReader(String file, ZipFile zip, ByteOrder order, LongConsumer bytesDone) {
        this.file = file;
        this.zip = zip;
        this.bytesDone = bytesDone;
        this.f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order);
        this.u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        this.f64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order);
    }

    float[] read(ZipEntry entry, StorageType type, int numel) throws TorchCheckpointException {
        float[] out = new float[numel];
        long bytes = (long) numel * type.itemSize();
        try (InputStream in = zip.getInputStream(entry)) {
            int at = 0;
            for (long left = bytes; left > 0; ) {
                int want = (int) Math.min(CHUNK, left);
                int got = in.readNBytes(chunk, 0, want);
                if (got < want) {
                    throw new TorchCheckpointException(file, "storage record " + entry.getName() + " ends after "
                            + (bytes - left + got) + " of " + bytes + " bytes: the file is truncated or damaged");
                }
                int n = want / type.itemSize();
                convert(type.conversion(), out, at, n);
                at += n;
                left -= want;
                done += want;
                bytesDone.accept(done);
            }
        } catch (IOException e) {
            throw new TorchCheckpointException(file, "cannot read storage record " + entry.getName() + " ("
                    + e.getMessage() + "): the file is truncated or damaged");
        }
        return out;
    }

    /** Elements {@code [at, at + n)} of {@code out} from the first {@code n} elements of the chunk. */
    private void convert(StorageType.Conversion c, float[] out, int at, int n) {
        MemorySegment b = MemorySegment.ofArray(chunk);
        switch (c) {
            case F32 -> MemorySegment.copy(b, f32, 0, out, at, n);
            case F16 -> {
                for (int i = 0; i < n; i++) out[at + i] = Float.float16ToFloat(b.get(u16, 2L * i));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out[at + i] = Float.intBitsToFloat((b.get(u16, 2L * i) & 0xFFFF) << 16);
            }
            case F64 -> {
                for (int i = 0; i < n; i++) out[at + i] = (float) b.get(f64, 8L * i);
            }
        }
    }
}
