package org.vecformer.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.engine.tensor.Tensor;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    /** Every awkward float class: signed zeros, subnormals, extremes, infinities, a NaN with a payload. */
    private static final float[] SPECIAL = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL),
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN, Float.intBitsToFloat(0x7fc0_1234), 1f, -1.5f, 3.1415927f, 1e-40f,
    };

    private static Tensor random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] data = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < data.length; i++) data[i] = Float.intBitsToFloat(r.nextInt());
        return Tensor.of(data, shape);
    }

    private static void assertSameBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }

    @Test
    void roundTripIsBitExactAndKeepsOrderAndMetadata() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.special", Tensor.of(SPECIAL.clone(), 4, 4));
        tensors.put("a.random", random(7, 3, 5, 7));
        tensors.put("m.empty", Tensor.zeros(3, 0));
        tensors.put("b.scalar", Tensor.of(new float[] {-0f}));
        tensors.put("y.vector", random(8, 13));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("config", "{\"n_layers\": 2}");
        metadata.put("tokenizer", "ünïcödé \n\t\"quoted\"");
        metadata.put("format", "pt");
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, metadata, tensors);

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.copyOf(metadata.entrySet()), List.copyOf(f.metadata().entrySet()));
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(f.tensors().keySet()));
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                SafetensorsTensor entry = f.tensors().get(e.getKey());
                assertEquals(Dtype.F32, entry.dtype());
                assertArrayEquals(e.getValue().shape(), entry.shape());
                assertSameBits(e.getValue().data(), f.readFloats(e.getKey()));
                Tensor t = f.tensor(e.getKey());
                assertArrayEquals(e.getValue().shape(), t.shape());
                assertSameBits(e.getValue().data(), t.data());
            }
            assertEquals(0, f.tensors().get("b.scalar").shape().length);
            assertEquals(1, f.tensors().get("b.scalar").numel());
            assertEquals(0, f.tensors().get("m.empty").byteSize());
        }
    }

    @Test
    void headerIsSpacePaddedToAMultipleOfEightAndTensorsAreContiguous() throws IOException {
        Path file = dir.resolve("pad.safetensors");
        SafetensorsWriter.write(file, Map.of(), Map.of("w", random(1, 3), "v", random(2, 2, 2)));
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8);
        assertEquals('{', bytes[8]);
        assertEquals(8 + n + 4 * (3 + 4), bytes.length);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String padding = header.substring(header.lastIndexOf('}') + 1);
        assertTrue(padding.chars().allMatch(c -> c == ' '), "padding is spaces: '" + padding + "'");
        assertFalse(header.contains("__metadata__"), "empty metadata is omitted");
    }

    @Test
    void viewsAreWrittenAsContiguousCopies() throws IOException {
        Tensor x = random(3, 4, 6);
        Tensor head = x.columns(2, 3);
        Tensor row = x.slice(1);
        Path file = dir.resolve("views.safetensors");
        SafetensorsWriter.write(file, Map.of(), new LinkedHashMap<>(Map.of("head", head, "row", row)));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertSameBits(head.copy().data(), f.readFloats("head"));
            assertSameBits(row.copy().data(), f.readFloats("row"));
            assertArrayEquals(new int[] {4, 3}, f.tensors().get("head").shape());
        }
    }

    @Test
    void largeTensorsCrossTheWriteChunkBoundary() throws IOException {
        Tensor big = random(4, 3, 20_000);
        Path file = dir.resolve("big.safetensors");
        Tensor strided = big.columns(1, 19_999);
        SafetensorsWriter.write(file, Map.of(), new LinkedHashMap<>(Map.of("big", big, "strided", strided)));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertSameBits(big.data(), f.readFloats("big"));
            assertSameBits(strided.copy().data(), f.readFloats("strided"));
        }
    }

    @Test
    void missingTensorAndClosedFileAreReported() throws IOException {
        Path file = dir.resolve("small.safetensors");
        SafetensorsWriter.write(file, Map.of(), Map.of("w", random(5, 2)));
        SafetensorsFile f = SafetensorsFile.open(file);
        SafetensorsException missing = assertThrows(SafetensorsException.class, () -> f.readFloats("nope"));
        assertTrue(missing.getMessage().contains("no tensor named 'nope'"), missing.getMessage());
        f.close();
        assertThrows(IllegalStateException.class, () -> f.readFloats("w"));
    }
}
