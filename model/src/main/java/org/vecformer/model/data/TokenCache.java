package org.vecformer.model.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.vecformer.model.tokenize.BpeTokenizer;

/**
 * A corpus tokenized once into a file of ids, memory-mapped for training. Layout (little-endian):
 * <pre>
 * 0   "VFTOKENS"     magic (8 bytes)
 * 8   int32 1        format version
 * 12  int32 width    bytes per id: 2 when the vocabulary is at most 65,536 ids, else 4
 * 16  int32 vocab    the tokenizer's vocabulary size (every id is below it)
 * 20  int32 0        reserved
 * 24  int64 count    ids in the file
 * 32  int64 heldOut  index of the first held-out id
 * 40  int64 docs     documents
 * 48  32 bytes       SHA-256 of the tokenizer.json text
 * 80  16 bytes       zero
 * 96  ids            count × width bytes
 * </pre>
 * Each document is its tokenizer's BOS (when it has one) followed by the ids of its whole text. The held-out
 * part is the documents that start in the last 1% of the ids; when none does (one document, or a last one
 * longer than 1%), the last 1% of the ids. The file is named by a SHA-256 of the corpus key (paths, sizes,
 * mtimes) and the tokenizer, and is written under a temporary name then renamed, so a name in the cache is
 * always a complete file; one whose header disagrees with its name's inputs or its own size is rebuilt.
 */
public final class TokenCache {
    static final byte[] MAGIC = "VFTOKENS".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 96;
    /** Documents tokenized per round; their ids are held until written in order. */
    private static final int ROUND = 64;

    private final Path file;
    private final MemorySegment ids;
    private final int width;
    private final int vocab;
    private final long count;
    private final long heldOut;
    private final long documents;

    private TokenCache(Path file, MemorySegment ids, int width, int vocab, long count, long heldOut, long documents) {
        this.file = file;
        this.ids = ids;
        this.width = width;
        this.vocab = vocab;
        this.count = count;
        this.heldOut = heldOut;
        this.documents = documents;
    }

    /** The cache file of {@code corpus} under {@code tokenizer} in {@code dir}. */
    public static Path fileFor(Corpus corpus, BpeTokenizer tokenizer, Path dir) {
        return dir.resolve("tokens-" + Sha256.hex(Sha256.of((corpus.key() + "\n" + Sha256.hex(tokenizerHash(tokenizer))).getBytes(StandardCharsets.UTF_8))).substring(0, 32) + ".bin");
    }

    /**
     * Opens the cache of {@code corpus} under {@code tokenizer} in {@code dir}, first writing it when it is
     * missing or not valid ({@code built} is then told how many documents are done, now and then).
     */
    public static TokenCache open(Corpus corpus, BpeTokenizer tokenizer, Path dir, int threads, IntConsumer built) throws IOException {
        Path file = fileFor(corpus, tokenizer, dir);
        if (Files.isRegularFile(file)) {
            TokenCache c = tryMap(file, tokenizer);
            if (c != null) return c;
        }
        Files.createDirectories(dir);
        write(corpus, tokenizer, file, threads, built);
        TokenCache c = tryMap(file, tokenizer);
        if (c == null) throw new IOException(file + ": the token cache just written does not read back");
        return c;
    }

    public Path file() {
        return file;
    }

    public int vocab() {
        return vocab;
    }

    public long count() {
        return count;
    }

    public long documents() {
        return documents;
    }

    /** Index of the first held-out id. */
    public long heldOutStart() {
        return heldOut;
    }

    /** Id {@code i}. */
    public int id(long i) {
        return width == 2 ? Short.toUnsignedInt(ids.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), HEADER + 2 * i))
                : ids.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), HEADER + 4 * i);
    }

    /** Random windows of nCtx+1 ids from the training part [0, heldOutStart). */
    public BatchSource training(int nCtx, long seed) {
        return windows(0, heldOut, nCtx, seed, "the training part");
    }

    /** Random windows of nCtx+1 ids from the held-out part [heldOutStart, count). */
    public BatchSource heldOut(int nCtx, long seed) {
        return windows(heldOut, count, nCtx, seed, "the held-out part (its last 1%)");
    }

    private BatchSource windows(long from, long to, int nCtx, long seed, String what) {
        if (to - from < nCtx + 1L) {
            throw new DataFileException(file.toString(), 0, what + " has " + (to - from) + " tokens, fewer than n_ctx+1 = " + (nCtx + 1)
                    + "; use more text or a smaller --ctx");
        }
        return new TokenWindows(this::id, from, to, vocab, nCtx, seed);
    }

    /** The cache mapped, or null when it is not a complete cache of this tokenizer. */
    private static TokenCache tryMap(Path file, BpeTokenizer tokenizer) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) return null;
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining() && ch.read(h, h.position()) > 0) { }
            h.flip();
            byte[] magic = new byte[8];
            h.get(magic);
            int version = h.getInt(8), width = h.getInt(12), vocab = h.getInt(16);
            long count = h.getLong(24), heldOut = h.getLong(32), docs = h.getLong(40);
            byte[] hash = Arrays.copyOfRange(h.array(), 48, 80);
            if (!Arrays.equals(magic, MAGIC) || version != VERSION || (width != 2 && width != 4) || vocab != tokenizer.vocabSize()
                    || !Arrays.equals(hash, tokenizerHash(tokenizer)) || size != HEADER + count * width || heldOut < 0 || heldOut > count) {
                return null;
            }
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            return new TokenCache(file, map, width, vocab, count, heldOut, docs);
        }
    }

    private static void write(Corpus corpus, BpeTokenizer tokenizer, Path file, int threads, IntConsumer built) throws IOException {
        int vocab = tokenizer.vocabSize();
        int width = vocab <= 65_536 ? 2 : 4;
        int bos = tokenizer.bos().orElse(-1);
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        int n = corpus.documents().size();
        long[] starts = new long[n];
        long count = 0;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.position(HEADER);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int first = 0; first < n; first += ROUND) {
                int[][] round = encode(corpus, tokenizer, first, Math.min(n, first + ROUND), threads);
                for (int d = 0; d < round.length; d++) {
                    starts[first + d] = count;
                    if (bos >= 0) count += put(out, buf, width, bos);
                    for (int id : round[d]) count += put(out, buf, width, id);
                }
                built.accept(Math.min(n, first + ROUND));
            }
            buf.flip();
            while (buf.hasRemaining()) out.write(buf);
            long heldOut = heldOutStart(starts, count);
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(VERSION).putInt(width).putInt(vocab).putInt(0).putLong(count).putLong(heldOut).putLong(n)
                    .put(tokenizerHash(tokenizer));
            h.position(HEADER).flip();
            long at = 0;
            while (h.hasRemaining()) at += out.write(h, at);
            out.force(true);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** See the class comment: the first document start in the last 1%, else 99% of the ids. */
    static long heldOutStart(long[] starts, long count) {
        long cut = count - count / 100;
        for (long s : starts) {
            if (s >= cut && s > 0) return s;
        }
        return cut;
    }

    /** The ids of documents [from, to), encoded on up to {@code threads} threads. */
    private static int[][] encode(Corpus corpus, BpeTokenizer tokenizer, int from, int to, int threads) throws IOException {
        int[][] out = new int[to - from][];
        AtomicInteger next = new AtomicInteger(from);
        IOException[] failure = new IOException[1];
        Runnable work = () -> {
            for (int d = next.getAndIncrement(); d < to; d = next.getAndIncrement()) {
                Corpus.Document doc = corpus.documents().get(d);
                try {
                    out[d - from] = tokenizer.encode(doc.read());
                } catch (IOException e) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = new IOException(doc.path() + " cannot be read: " + e.getMessage(), e);
                    }
                    next.set(to);
                }
            }
        };
        Thread[] workers = new Thread[Math.max(0, Math.min(threads, to - from) - 1)];
        for (int w = 0; w < workers.length; w++) workers[w] = Thread.ofPlatform().name("vecformer-tokenize-" + w).start(work);
        work.run();
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while tokenizing", e);
            }
        }
        if (failure[0] != null) throw failure[0];
        return out;
    }

    /** Appends one id, flushing the buffer when full; returns 1. */
    private static int put(FileChannel out, ByteBuffer buf, int width, int id) throws IOException {
        if (buf.remaining() < width) {
            buf.flip();
            while (buf.hasRemaining()) out.write(buf);
            buf.clear();
        }
        if (width == 2) buf.putShort((short) id);
        else buf.putInt(id);
        return 1;
    }

    private static byte[] tokenizerHash(BpeTokenizer tokenizer) {
        return Sha256.of(tokenizer.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
