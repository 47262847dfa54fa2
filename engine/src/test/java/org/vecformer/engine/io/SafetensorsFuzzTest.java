package org.vecformer.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecformer.engine.io.SafetensorsBytes.concat;
import static org.vecformer.engine.io.SafetensorsBytes.floats;
import static org.vecformer.engine.io.SafetensorsBytes.halves;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the reader: mutated and truncated copies of a valid file, valid layouts given at most one
 * defect, and arbitrary header bytes either open and read consistently or fail with a one-line
 * {@link SafetensorsException} — never another exception, never a hang. Each try draws its case from a
 * SplittableRandom with a fixed seed, so every run tries the same cases and a failure names the seed to replay.
 */
class SafetensorsFuzzTest {
    private static final String VALID_HEADER = "{\"__metadata__\":{\"format\":\"pt\",\"config\":\"{}\"},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
            + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[24,30]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[30,32]},"
            + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[32,32]},"
            + "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[32,40]}}";
    private static final byte[] VALID = SafetensorsBytes.file(VALID_HEADER,
            concat(floats(1, -2, 0.5f, 0, -0f, 3), halves(0x3C00, 0xFC00, 0x0001), halves(0x3F80), new byte[8]));
    private static final Path FILE = tempFile();
    /** One reused worker runs each check, so that a hang fails the try after 5 s instead of stalling the build. */
    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "safetensors-fuzz");
        t.setDaemon(true);
        return t;
    });

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("vecformer-fuzz", ".safetensors");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void mutatedFilesOpenConsistentlyOrFailCleanly() {
        int accepted = forAll(20261124L, 400, SafetensorsFuzzTest::mutatedFile, m -> openAndCheck(m.bytes()));
        assertTrue(accepted > 0 && accepted < 400, "mutations must give both openable and refused files: " + accepted);
    }

    @Test
    void headersWithOneDefectAreRefusedAndTheRestOpen() {
        int accepted = forAll(42L, 500, SafetensorsFuzzTest::layout, layout -> {
            boolean opened = openAndCheck(layout.bytes());
            assertEquals(layout.valid(), opened, layout.valid() ? "a valid file was refused" : "a defect was accepted");
            return opened;
        });
        assertTrue(accepted > 0 && accepted < 500, "layouts must be a mix of valid and defective: " + accepted);
    }

    @Test
    void arbitraryBytesAfterAnHonestLengthFailCleanly() {
        forAll(7L, 200, SafetensorsFuzzTest::rawHeader, raw -> openAndCheck(raw.bytes()));
    }

    @Test
    void theUnmutatedFileIsValid() throws Exception {
        assertTrue(openAndCheck(VALID), "the seed file of the mutations must open");
    }

    /** A check of one generated case that returns whether the file opened. */
    @FunctionalInterface
    interface Check<C> {
        boolean test(C c) throws Exception;
    }

    /**
     * Runs {@code check} on {@code tries} cases, case i drawn from {@code new SplittableRandom(seed + i)}, and
     * returns how many opened. Any failure, including an exception other than the expected refusal, is rethrown as
     * an AssertionError naming the try, its seed and the case, so that one case can be replayed alone.
     */
    private static <C> int forAll(long seed, int tries, Function<SplittableRandom, C> generate, Check<C> check) {
        int accepted = 0;
        for (int i = 0; i < tries; i++) {
            C c = generate.apply(new SplittableRandom(seed + i));
            try {
                if (check.test(c)) accepted++;
            } catch (Throwable t) {
                throw new AssertionError("try " + i + " (new SplittableRandom(" + (seed + i) + ")) failed: " + t
                        + "\n  case: " + c, t);
            }
        }
        return accepted;
    }

    /** One byte written at one position of the valid file. */
    record Edit(int at, byte value) {
        @Override
        public String toString() {
            return at + "=0x" + HexFormat.of().toHexDigits(value);
        }
    }

    /** The valid file after {@code edits}, then cut to {@code length} bytes. */
    record Mutation(List<Edit> edits, int length) {
        byte[] bytes() {
            byte[] bytes = VALID.clone();
            for (Edit e : edits) bytes[e.at()] = e.value();
            return Arrays.copyOf(bytes, length);
        }

        @Override
        public String toString() {
            return "edits " + edits + ", cut to " + length + " of " + VALID.length + " bytes";
        }
    }

    private static final byte[] SYNTAX = {'{', '}', '"', ',', '[', ']', '-', '9', ' ', (byte) 0x80, (byte) 0xFF, 0};

    /**
     * Byte flips and overwrites (mostly in the header, where the parser is), truncations, or both: up to 6 edits,
     * each a random byte (3 in 5) or a JSON-breaking one (2 in 5), and a cut at a random length one time in 4.
     */
    private static Mutation mutatedFile(SplittableRandom r) {
        List<Edit> edits = new ArrayList<>();
        for (int n = r.nextInt(7); n > 0; n--) {
            byte value = r.nextInt(5) < 3 ? (byte) r.nextInt(256) : SYNTAX[r.nextInt(SYNTAX.length)];
            edits.add(new Edit(r.nextInt(VALID.length), value));
        }
        int length = r.nextInt(4) == 0 ? r.nextInt(VALID.length + 1) : VALID.length;
        return new Mutation(edits, length);
    }

    private static final byte[] JSON_BYTES = "{}[]\",:-.0123456789eE \\tnulltruefalseF32BF16dtypeshapedata_offsets"
            .getBytes(StandardCharsets.US_ASCII);

    /** A header of arbitrary bytes (uniform, or drawn from JSON's alphabet one time in 3) and an honest length. */
    record RawHeader(byte[] header, int dataBytes) {
        byte[] bytes() {
            return SafetensorsBytes.file(header.length, header, new byte[dataBytes]);
        }

        @Override
        public String toString() {
            return "header 0x" + HexFormat.of().formatHex(header) + " (\"" + new String(header, StandardCharsets.ISO_8859_1)
                    + "\"), " + dataBytes + " data bytes";
        }
    }

    /** Up to 255 header bytes, short ones (up to 16) half the time; the empty header included. */
    private static RawHeader rawHeader(SplittableRandom r) {
        byte[] header = new byte[r.nextBoolean() ? r.nextInt(17) : r.nextInt(256)];
        boolean jsonish = r.nextInt(3) == 0;
        for (int i = 0; i < header.length; i++) {
            header[i] = jsonish ? JSON_BYTES[r.nextInt(JSON_BYTES.length)] : (byte) r.nextInt(256);
        }
        return new RawHeader(header, r.nextInt(17));
    }

    /** A generated file, whether it is valid, and what was done to it. */
    record Layout(byte[] bytes, boolean valid, String why) {
        @Override
        public String toString() {
            return (valid ? "valid" : "defective") + ", " + why;
        }
    }

    /** One header entry as JSON fragments, so that a defect can replace any one of them. */
    record Entry(String name, String dtype, String shape, String offsets, String extra) {
        String json() {
            return "\"" + name + "\":{\"dtype\":" + dtype + ",\"shape\":" + shape + ",\"data_offsets\":" + offsets + extra + "}";
        }
    }

    private static final List<String> BAD_DTYPES = List.of("\"F7\"", "\"f32\"", "\"\"", "3", "null", "[\"F32\"]");
    private static final List<String> BAD_SHAPES = List.of("3", "null", "{}", "[[1]]", "[-1]", "[2147483648]", "[1.0]",
            "[\"2\"]", "[99999999999999999999]", "[2147483647,2147483647,2147483647]", "[65536,65536,65536,65536]");
    private static final List<String> BAD_OFFSETS = List.of("[0]", "[0,1,2]", "[-1,0]", "[0,0.5]", "[\"0\",4]", "null",
            "[9223372036854775807,9223372036854775807]", "[0,18446744073709551615]", "{}", "[]");
    private static final List<String> BAD_ENTRIES = List.of("[1]", "3", "\"s\"", "null", "{}", "{\"dtype\":\"F32\"}");
    private static final List<String> BAD_METADATA = List.of("{\"k\":1}", "{\"k\":null}", "{\"k\":{}}", "[]", "\"x\"", "1");
    private static final List<String> BAD_TAILS = List.of(" x", "}", "{}", "\t,", "\u0000");

    private static final List<Dtype> DTYPES = List.of(Dtype.F32, Dtype.F16, Dtype.BF16, Dtype.I64, Dtype.U8);

    /**
     * Files whose tensors (up to 5, of up to 3 dimensions in [0, 4]) tile the data buffer by construction, listed
     * in shuffled order, then given at most one defect: a bad dtype, shape, offsets, field, entry, metadata or
     * tail, a duplicate name, an end offset one byte off, or one byte too many in the buffer. Harmless variations
     * (valid metadata, space padding) stay valid.
     */
    private static Layout layout(SplittableRandom r) {
        List<Entry> entries = new ArrayList<>();
        long at = 0;
        for (int i = 0, n = r.nextInt(6); i < n; i++) {
            Dtype d = DTYPES.get(r.nextInt(DTYPES.size()));
            List<Integer> dims = new ArrayList<>();
            for (int k = r.nextInt(4); k > 0; k--) dims.add(r.nextInt(5));
            long end = at + d.size() * dims.stream().mapToLong(Integer::longValue).reduce(1, (x, y) -> x * y);
            entries.add(new Entry("t" + i, "\"" + d + "\"", dims.toString().replace(" ", ""), "[" + at + "," + end + "]", ""));
            at = end;
        }
        Collections.shuffle(entries, r);
        return withDefect(entries, at, r.nextInt(13), r.nextInt(100));
    }

    private static Layout withDefect(List<Entry> entries, long bufferSize, int defect, int pick) {
        String metadata = "";
        String tail = "";
        long extraBytes = 0;
        boolean valid = true;
        String why = "defect " + defect + " pick " + pick;
        int k = entries.isEmpty() ? -1 : pick % entries.size();
        if (k >= 0 || defect >= 8) {
            Entry e = k >= 0 ? entries.get(k) : null;
            valid = false;
            switch (defect) {
                case 1 -> entries.set(k, new Entry(e.name(), BAD_DTYPES.get(pick % BAD_DTYPES.size()), e.shape(), e.offsets(), ""));
                case 2 -> entries.set(k, new Entry(e.name(), e.dtype(), BAD_SHAPES.get(pick % BAD_SHAPES.size()), e.offsets(), ""));
                case 3 -> entries.set(k, new Entry(e.name(), e.dtype(), e.shape(), BAD_OFFSETS.get(pick % BAD_OFFSETS.size()), ""));
                case 4 -> entries.set(k, new Entry(e.name(), e.dtype(), e.shape(), e.offsets().replace("]", "1]"), ""));
                case 5 -> entries.set(k, new Entry(e.name(), e.dtype(), e.shape(), e.offsets(), ",\"x\":1"));
                case 6 -> entries.set(k, new Entry(e.name(), null, null, BAD_ENTRIES.get(pick % BAD_ENTRIES.size()), null));
                case 7 -> {
                    valid = entries.size() < 2;
                    entries.set(k, new Entry(entries.get((k + 1) % entries.size()).name(), e.dtype(), e.shape(), e.offsets(), ""));
                }
                case 8 -> metadata = "\"__metadata__\":" + BAD_METADATA.get(pick % BAD_METADATA.size());
                case 9 -> tail = BAD_TAILS.get(pick % BAD_TAILS.size());
                case 10 -> extraBytes = 1;
                case 11 -> {
                    valid = true;
                    metadata = "\"__metadata__\":{\"format\":\"pt\",\"config\":\"{\\\"n\\\": 2}\"}";
                }
                case 12 -> {
                    valid = true;
                    tail = " ".repeat(pick % 8);
                }
                default -> valid = true;
            }
        }
        List<String> parts = new ArrayList<>();
        if (!metadata.isEmpty()) parts.add(metadata);
        for (Entry e : entries) parts.add(e.dtype() == null ? "\"" + e.name() + "\":" + e.offsets() : e.json());
        String json = parts.stream().collect(Collectors.joining(",", "{", "}")) + tail;
        return new Layout(SafetensorsBytes.file(json, (int) (bufferSize + extraBytes)), valid, why + ": " + json);
    }

    /**
     * Opens {@code bytes} as a file. A refusal must be a one-line SafetensorsException naming the file; an accepted
     * file must have tensors that tile the data buffer and read to arrays of their element counts. Returns
     * whether the file was accepted.
     */
    private static boolean openAndCheck(byte[] bytes) throws Exception {
        Files.write(FILE, bytes);
        Future<Boolean> check = WORKER.submit(() -> check(bytes));
        try {
            return check.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            throw new AssertionError("opening the file took over 5 s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) throw error;
            if (e.getCause() instanceof Exception exception) throw exception;
            throw e;
        }
    }

    private static boolean check(byte[] bytes) throws IOException {
        SafetensorsFile f;
        try {
            f = SafetensorsFile.open(FILE);
        } catch (SafetensorsException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return false;
        }
        try (f) {
            long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            long covered = 0;
            for (SafetensorsTensor t : f.tensors().values()) {
                assertEquals(t.numel() * t.dtype().size(), t.byteSize(), t.toString());
                covered += t.byteSize();
                if (List.of(Dtype.F32, Dtype.F16, Dtype.BF16).contains(t.dtype())) {
                    assertEquals(t.numel(), f.readFloats(t.name()).length, t.toString());
                } else {
                    assertThrows(SafetensorsException.class, () -> f.readFloats(t.name()));
                }
            }
            assertEquals(bytes.length - 8 - headerLength, covered, "tensors tile the data buffer");
            return true;
        }
    }
}
