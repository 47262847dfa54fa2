package org.vecformer.engine.io.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.vecformer.engine.io.torch.Pickled.PDict;
import org.vecformer.engine.io.torch.Pickled.StorageRef;
import org.vecformer.engine.io.torch.Pickled.TensorRef;
import org.vecformer.engine.tensor.Tensor;

/**
 * Reads the state dict of a PyTorch (>= 1.6) checkpoint, {@code torch.save(model.state_dict(), f)}, without
 * Python and without running anything from the file.
 *
 * <p>The file is a zip holding {@code <stem>/data.pkl}, a pickle of a dict of tensors, and one record
 * {@code <stem>/data/<key>} of raw elements per storage, little-endian unless {@code <stem>/byteorder} says
 * "big". The pickle goes through {@link SafeUnpickler}, which allows only the globals that build tensors
 * ({@link TorchGlobals}). Every tensor's size, stride and offset are then checked against its storage's
 * element count and every storage's count against its record's size in the zip directory, all before
 * anything is allocated; then each float storage is streamed once into a {@code float[]} and each tensor
 * is that array (when it is the whole storage in row-major order) or a row-major copy of its view.
 */
public final class TorchCheckpoint {
    /** What a checkpoint's state dict holds: float tensors converted to float32 (name -> Tensor, file order),
        and the names of non-float tensors that were skipped (bool/int buffers like blocks.0.attn.mask). */
    public record StateDict(Map<String, Tensor> tensors, List<String> skipped) {
    }

    /** Largest data.pkl accepted: a state dict needs ~150 bytes per tensor. */
    static final int MAX_PICKLE_BYTES = 64 << 20;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** A pre-1.6 file: protocol-2 pickle of the magic number 0x1950a86a20f9469cfc6c as LONG1. */
    private static final byte[] LEGACY = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
        (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    private static final byte[] ZIP = {'P', 'K', 3, 4};

    private TorchCheckpoint() {
    }

    /** True when the file starts like a PyTorch checkpoint (zip "PK\3\4" whose entries end in data.pkl, or a legacy pickle). */
    public static boolean looksLike(Path path) throws IOException {
        byte[] head = head(path, 30 + 1024);
        if (startsWith(head, LEGACY)) return true;
        if (!startsWith(head, ZIP)) return false;
        try (ZipFile zip = new ZipFile(path.toFile())) {
            return zip.stream().anyMatch(e -> TorchArchive.stemOf(e.getName()) != null);
        } catch (ZipException damaged) {
            // PyTorch writes data.pkl first: name length at byte 26 of the local header, name at 30
            int n = head.length >= 30 ? (head[26] & 0xFF) | (head[27] & 0xFF) << 8 : 0;
            return head.length >= 30 + n && TorchArchive.stemOf(new String(head, 30, n, StandardCharsets.UTF_8)) != null;
        }
    }

    /** The state dict of {@code path}; see {@link #read(Path, LongConsumer)}. */
    public static StateDict read(Path path) throws TorchCheckpointException {
        return read(path, bytes -> { });
    }

    /**
     * The state dict of {@code path}: its float tensors (F32, F16, BF16 exactly, F64 rounded to nearest) as
     * row-major float32 tensors in the dict's order, and the names of the other tensors, which are skipped.
     * {@code bytesDone} hears the (uncompressed) storage bytes read so far after every chunk of up to 1 MiB; for
     * the uncompressed records torch.save writes, they end a little below the file's size.
     * Anything else (not a zip, damaged, a pickle that names another global, a view outside its storage...)
     * is a {@link TorchCheckpointException} with one line naming the file and the problem.
     */
    public static StateDict read(Path path, LongConsumer bytesDone) throws TorchCheckpointException {
        return read(path, bytesDone, Runtime.getRuntime().maxMemory());
    }

    /** {@link #read(Path, LongConsumer)} refusing a file whose float tensors need more than {@code heapBytes}. */
    static StateDict read(Path path, LongConsumer bytesDone, long heapBytes) throws TorchCheckpointException {
        String file = path.toString();
        byte[] head;
        try {
            head = head(path, LEGACY.length);
        } catch (IOException e) {
            throw new TorchCheckpointException(file, "cannot read (" + e.getMessage() + ")");
        }
        if (head.length == 0) throw new TorchCheckpointException(file, "empty file (0 bytes): not a PyTorch checkpoint");
        if (startsWith(head, LEGACY)) throw TorchCheckpointException.legacy(file);
        if (!startsWith(head, ZIP)) {
            String what = (head[0] & 0xFF) == 0x80 ? "a bare pickle (0x80)" : "bytes " + hex(head);
            throw new TorchCheckpointException(file, "starts with " + what + ", not a zip header (PK\\3\\4): not a PyTorch"
                    + " checkpoint (torch.save writes zips since PyTorch 1.6)");
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            return load(new TorchArchive(file, zip, Files.size(path)), bytesDone, heapBytes);
        } catch (ZipException e) {
            throw new TorchCheckpointException(file, "not a readable zip archive (" + e.getMessage()
                    + "): the file is truncated or damaged");
        } catch (IOException e) {
            throw new TorchCheckpointException(file, "cannot read (" + e.getMessage() + ")");
        }
    }

    private static StateDict load(TorchArchive archive, LongConsumer bytesDone, long heapBytes) throws TorchCheckpointException {
        String file = archive.file;
        ByteOrder order = archive.byteOrder();
        Object top = SafeUnpickler.load(file, archive.pickle());
        if (!(top instanceof PDict dict)) {
            throw new TorchCheckpointException(file, "data.pkl holds " + Pickled.kind(top) + ", not a dict of tensors:"
                    + " save a state dict (torch.save(model.state_dict(), f))");
        }
        Map<String, TensorRef> floats = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        Map<String, ZipEntry> records = new HashMap<>();
        Map<String, Integer> users = new HashMap<>();
        int i = 0;
        for (Map.Entry<Object, Object> e : dict.map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new TorchCheckpointException(file, "key #" + i + " of the state dict is " + Pickled.kind(e.getKey())
                        + ", not a string: a state dict maps names to tensors");
            }
            if (!(e.getValue() instanceof TensorRef t)) {
                throw new TorchCheckpointException(file, "state dict entry " + Pickled.quote(name) + " is "
                        + Pickled.kind(e.getValue()) + ", not a tensor: this reader takes a state dict"
                        + " (torch.save(model.state_dict(), f))");
            }
            long numel = checkView(file, name, t);
            if (!records.containsKey(t.storage.key())) records.put(t.storage.key(), archive.storageRecord(name, t.storage));
            if (t.storage.type().conversion() == null) {
                skipped.add(name);
            } else {
                if (numel > MAX_ARRAY || t.storage.numel() > MAX_ARRAY) {
                    throw new TorchCheckpointException(file, "tensor " + Pickled.quote(name) + " or its storage has more"
                            + " elements (" + Math.max(numel, t.storage.numel()) + ") than a Java array holds");
                }
                floats.put(name, t);
                users.merge(t.storage.key(), 1, Integer::sum);
            }
            i++;
        }
        checkHeap(file, floats, heapBytes);
        StorageReader reader = new StorageReader(file, archive.zip, order, bytesDone);
        Map<String, float[]> decoded = new HashMap<>();
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : floats.entrySet()) {
            TensorRef t = e.getValue();
            StorageRef s = t.storage;
            float[] storage = decoded.get(s.key());
            if (storage == null) storage = reader.read(records.get(s.key()), s.type(), (int) s.numel());
            int numel = (int) Strided.numel(t);
            int left = users.merge(s.key(), -1, Integer::sum);
            if (left == 0) decoded.remove(s.key());
            else decoded.put(s.key(), storage);
            // the last user of a storage it covers whole takes the array itself; the others copy their view
            float[] data = left == 0 && Strided.isWhole(t, numel) ? storage : Strided.gather(storage, t, numel);
            tensors.put(e.getKey(), Tensor.of(data, shape(t)));
        }
        return new StateDict(Collections.unmodifiableSequencedMap(tensors), List.copyOf(skipped));
    }

    /** Element count of the view after checking it lies inside its storage. */
    private static long checkView(String file, String name, TensorRef t) throws TorchCheckpointException {
        String where = "tensor " + Pickled.quote(name) + " ";
        for (int d = 0; d < t.size.length; d++) {
            if (t.size[d] < 0 || t.size[d] > Integer.MAX_VALUE) {
                throw new TorchCheckpointException(file, where + "has size " + t.size[d] + " on axis " + d
                        + ": sizes are between 0 and " + Integer.MAX_VALUE);
            }
            if (t.stride[d] < 0) throw new TorchCheckpointException(file, where + "has a negative stride " + t.stride[d] + " on axis " + d);
        }
        if (t.offset < 0) throw new TorchCheckpointException(file, where + "has a negative storage offset " + t.offset);
        long numel = Strided.numel(t);
        if (numel < 0) throw new TorchCheckpointException(file, where + "has size " + Arrays.toString(t.size) + ": more than 2^63 elements");
        if (numel == 0) return 0;
        long last = Strided.lastElement(t);
        if (last < 0 || last >= t.storage.numel()) {
            throw new TorchCheckpointException(file, where + "(size " + Arrays.toString(t.size) + ", stride " + Arrays.toString(t.stride)
                    + ", offset " + t.offset + ") reads element " + (last < 0 ? "beyond 2^63" : last) + " of storage "
                    + Pickled.quote(t.storage.key()) + ", which holds " + t.storage.numel());
        }
        return numel;
    }

    /** Refuses a file whose float tensors (plus the storages only some of them view) would not fit the heap. */
    private static void checkHeap(String file, Map<String, TensorRef> floats, long max) throws TorchCheckpointException {
        long bytes = 0;
        Map<String, Long> partial = new HashMap<>();
        for (TensorRef t : floats.values()) {
            long numel = Strided.numel(t);
            bytes += 4 * numel;
            if (!Strided.isWhole(t, numel)) partial.put(t.storage.key(), 4 * t.storage.numel());
        }
        for (long b : partial.values()) bytes += b;
        if (bytes > max) {
            throw new TorchCheckpointException(file, "needs " + mib(bytes) + " MiB of heap for its float tensors but the JVM"
                    + " may use " + mib(max) + " MiB: run java with a larger -Xmx");
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static int[] shape(TensorRef t) {
        int[] shape = new int[t.size.length];
        for (int d = 0; d < shape.length; d++) shape[d] = (int) t.size[d];
        return shape;
    }

    private static byte[] head(Path path, int n) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(n);
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) s.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
        return s.toString();
    }
}
