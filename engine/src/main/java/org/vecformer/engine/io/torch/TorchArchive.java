package org.vecformer.engine.io.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.vecformer.engine.io.torch.Pickled.StorageRef;

/**
 * The zip side of a checkpoint: finds the {@code <stem>/} directory that holds data.pkl, reads the small
 * records (data.pkl, byteorder) and locates storage records, checking every size the zip directory claims
 * against the file before anything is allocated for it.
 */
final class TorchArchive {
    /** DEFLATE expands at most 1032-fold: a larger claimed size is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    final String file;
    final ZipFile zip;
    final String stem;
    private final long fileSize;

    TorchArchive(String file, ZipFile zip, long fileSize) throws TorchCheckpointException {
        this.file = file;
        this.zip = zip;
        this.fileSize = fileSize;
        this.stem = stem();
    }

    /** The one {@code <stem>} with a {@code <stem>/data.pkl}. */
    private String stem() throws TorchCheckpointException {
        List<String> stems = zip.stream().map(e -> stemOf(e.getName())).filter(s -> s != null).limit(2).toList();
        if (stems.isEmpty()) {
            throw new TorchCheckpointException(file, "a zip archive without a <name>/data.pkl record: not a PyTorch checkpoint");
        }
        if (stems.size() > 1) {
            throw new TorchCheckpointException(file, "a zip archive with several data.pkl records (" + stems.get(0) + ", "
                    + stems.get(1) + "): not one PyTorch checkpoint");
        }
        return stems.getFirst();
    }

    /** The {@code <stem>} of an entry named {@code <stem>/data.pkl}, or null. */
    static String stemOf(String entryName) {
        if (!entryName.endsWith("/data.pkl")) return null;
        String stem = entryName.substring(0, entryName.length() - "/data.pkl".length());
        return stem.isEmpty() || stem.contains("/") ? null : stem;
    }

    byte[] pickle() throws TorchCheckpointException {
        return small(zip.getEntry(stem + "/data.pkl"), TorchCheckpoint.MAX_PICKLE_BYTES);
    }

    /** The storages' byte order: little unless a {@code byteorder} record says "big". */
    ByteOrder byteOrder() throws TorchCheckpointException {
        ZipEntry entry = zip.getEntry(stem + "/byteorder");
        if (entry == null) return ByteOrder.LITTLE_ENDIAN;
        String order = new String(small(entry, 16), StandardCharsets.ISO_8859_1);
        return switch (order) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new TorchCheckpointException(file, "byteorder record says " + Pickled.quote(order)
                    + ", not \"little\" or \"big\"");
        };
    }

    /** The record of storage {@code s} (used by tensor {@code name}), after checking it holds exactly numel elements. */
    ZipEntry storageRecord(String name, StorageRef s) throws TorchCheckpointException {
        String path = stem + "/data/" + s.key();
        ZipEntry entry = zip.getEntry(path);
        if (entry == null || entry.isDirectory()) {
            throw new TorchCheckpointException(file, "tensor " + Pickled.quote(name) + " uses storage record " + path
                    + ", which the archive lacks: the file is truncated or damaged");
        }
        long need;
        try {
            need = Math.multiplyExact(s.numel(), s.type().itemSize());
        } catch (ArithmeticException e) {
            need = -1;
        }
        if (entry.getSize() != need) {
            throw new TorchCheckpointException(file, "storage record " + path + " holds " + entry.getSize() + " bytes but its "
                    + s.type().dotted() + " of " + s.numel() + " elements needs " + (need < 0 ? "more than 2^63" : need));
        }
        checkClaim(entry);
        return entry;
    }

    /** Refuses an entry whose directory sizes cannot be true of this file. */
    private void checkClaim(ZipEntry entry) throws TorchCheckpointException {
        long stored = entry.getCompressedSize();
        boolean lie = stored > fileSize
                || entry.getMethod() == ZipEntry.STORED && stored != entry.getSize()
                || entry.getMethod() == ZipEntry.DEFLATED && entry.getSize() > MAX_DEFLATE_RATIO * stored + 1024;
        if (lie) {
            throw new TorchCheckpointException(file, entry.getName() + " claims " + entry.getSize() + " bytes ("
                    + stored + " stored) in a file of " + fileSize + " bytes: the zip directory is damaged");
        }
    }

    /** A record of at most {@code limit} bytes, read whole. */
    private byte[] small(ZipEntry entry, int limit) throws TorchCheckpointException {
        if (entry.getSize() > limit) {
            throw new TorchCheckpointException(file, entry.getName() + " is " + entry.getSize() + " bytes, more than the "
                    + limit + " this reader accepts");
        }
        checkClaim(entry);
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) throw new TorchCheckpointException(file, entry.getName() + " is more than " + limit + " bytes");
            if (b.length != entry.getSize()) {
                throw new TorchCheckpointException(file, entry.getName() + " ends after " + b.length + " of " + entry.getSize()
                        + " bytes: the file is truncated or damaged");
            }
            return b;
        } catch (IOException e) {
            throw new TorchCheckpointException(file, "cannot read " + entry.getName() + " (" + e.getMessage()
                    + "): the file is truncated or damaged");
        }
    }
}
