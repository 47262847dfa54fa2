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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Property-based fuzzing of the reader: mutated and truncated copies of a valid file, valid layouts given at
 * most one defect, and arbitrary header bytes either open and read consistently or fail with a one-line
 * {@link SafetensorsException} — never another exception, never a hang. Seeds are fixed: every run tries the
 * same cases.
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
    /** One reused worker runs each check, so that a hang fails the property after 5 s instead of stalling the build. */
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

    @Property(tries = 400, seed = "20261124", edgeCases = EdgeCasesMode.NONE)
    void mutatedFilesOpenConsistentlyOrFailCleanly(@ForAll("mutatedFiles") byte[] bytes) throws Exception {
        openAndCheck(bytes);
    }

    @Property(tries = 500, seed = "42", edgeCases = EdgeCasesMode.NONE)
    void headersWithOneDefectAreRefusedAndTheRestOpen(@ForAll("headers") Layout layout) throws Exception {
        assertEquals(layout.valid(), openAndCheck(layout.bytes()), layout.why());
    }

    @Property(tries = 200, seed = "7")
    void arbitraryBytesAfterAnHonestLengthFailCleanly(@ForAll byte[] header, @ForAll @IntRange(max = 16) int dataBytes)
            throws Exception {
        openAndCheck(SafetensorsBytes.file(header.length, header, new byte[dataBytes]));
    }

    @Test
    void theUnmutatedFileIsValid() throws Exception {
        assertTrue(openAndCheck(VALID), "the seed file of the mutations must open");
    }

    /** Byte flips and overwrites (mostly in the header, where the parser is), truncations, or both. */
    @Provide
    Arbitrary<byte[]> mutatedFiles() {
        Arbitrary<Tuple.Tuple2<Integer, Byte>> edit = Combinators.combine(
                Arbitraries.integers().between(0, VALID.length - 1),
                Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.bytes()),
                        Tuple.of(2, Arbitraries.of((byte) '{', (byte) '}', (byte) '"', (byte) ',', (byte) '[',
                                (byte) ']', (byte) '-', (byte) '9', (byte) ' ', (byte) 0x80, (byte) 0xFF, (byte) 0))))
                .as(Tuple::of);
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, VALID.length);
        return Combinators.combine(edit.list().ofMinSize(0).ofMaxSize(6), cut, Arbitraries.integers().between(0, 3))
                .as((edits, length, mode) -> {
                    byte[] bytes = VALID.clone();
                    for (Tuple.Tuple2<Integer, Byte> e : edits) bytes[e.get1()] = e.get2();
                    return mode == 0 ? Arrays.copyOf(bytes, length) : bytes;
                });
    }

    /** A generated file, whether it is valid, and what was done to it. */
    record Layout(byte[] bytes, boolean valid, String why) {
        @Override
        public String toString() {
            return why;
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

    /**
     * Files whose tensors tile the data buffer by construction (listed in shuffled order), then given at most one
     * defect: a bad dtype, shape, offsets, field, entry, metadata or tail, a duplicate name, an end offset one
     * byte off, or one byte too many in the buffer. Harmless variations (valid metadata, space padding) stay valid.
     */
    @Provide
    Arbitrary<Layout> headers() {
        Arbitrary<Dtype> dtype = Arbitraries.of(Dtype.F32, Dtype.F16, Dtype.BF16, Dtype.I64, Dtype.U8);
        Arbitrary<List<Integer>> shape = Arbitraries.integers().between(0, 4).list().ofMaxSize(3);
        Arbitrary<Tuple.Tuple2<Dtype, List<Integer>>> tensor = Combinators.combine(dtype, shape).as(Tuple::of);
        return Combinators.combine(tensor.list().ofMaxSize(5), Arbitraries.integers().between(0, 12),
                        Arbitraries.integers().between(0, 99), Arbitraries.randoms())
                .as((tensors, defect, pick, random) -> {
                    List<Entry> entries = new ArrayList<>();
                    long at = 0;
                    for (int i = 0; i < tensors.size(); i++) {
                        Dtype d = tensors.get(i).get1();
                        List<Integer> dims = tensors.get(i).get2();
                        long end = at + d.size() * dims.stream().mapToLong(Integer::longValue).reduce(1, (x, y) -> x * y);
                        entries.add(new Entry("t" + i, "\"" + d + "\"", dims.toString().replace(" ", ""),
                                "[" + at + "," + end + "]", ""));
                        at = end;
                    }
                    Collections.shuffle(entries, random);
                    return withDefect(entries, at, defect, pick);
                });
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
