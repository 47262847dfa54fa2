package org.vecformer.engine.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecformer.engine.io.torch.TorchFixtures.fixture;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.tensor.Tensor;

/**
 * Every supported feature against PyTorch's own answer: each fixture NAME.pth comes with
 * NAME.expected.safetensors, the tensors as torch converts them to float32 (written by make_fixtures.py
 * with struct/json), in state-dict order, and the names of the non-float tensors.
 */
class TorchCheckpointTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f32", "f16", "bf16", "f64", "strided", "slice", "shared", "module", "many", "parameter",
        "from_type", "bigendian", "deflated"})
    void readsWhatTorchWrote(String name) throws Exception {
        TorchCheckpoint.StateDict sd = TorchCheckpoint.read(fixture(name + ".pth"));
        try (SafetensorsFile expected = SafetensorsFile.open(fixture(name + ".expected.safetensors"))) {
            assertEquals(List.copyOf(expected.tensors().keySet()), List.copyOf(sd.tensors().keySet()), "names in file order");
            for (String key : expected.tensors().keySet()) {
                Tensor t = sd.tensors().get(key);
                assertArrayEquals(expected.tensors().get(key).shape(), t.shape(), key + " shape");
                assertTrue(t.isContiguous(), key + " is row-major");
                float[] want = expected.readFloats(key);
                assertEquals(want.length, t.size(), key + " size");
                for (int i = 0; i < want.length; i++) {
                    int got = Float.floatToRawIntBits(t.data()[t.offset() + i]);
                    if (got != Float.floatToRawIntBits(want[i])) {
                        throw new AssertionError(key + "[" + i + "]: torch says " + want[i] + " (0x"
                                + Integer.toHexString(Float.floatToRawIntBits(want[i])) + "), read " + Float.intBitsToFloat(got));
                    }
                }
            }
            List<Object> skipped = JSON.std.listFrom(expected.metadata().get("skipped"));
            assertEquals(skipped, List.<Object>copyOf(sd.skipped()), "skipped non-float tensors");
        }
    }

    @Test
    void nestedModuleSkipsItsBoolAndIntBuffersAndKeepsFloatOnes() throws Exception {
        TorchCheckpoint.StateDict sd = TorchCheckpoint.read(fixture("module.pth"));
        assertEquals(List.of("steps", "blocks.0.attn.mask", "blocks.1.attn.mask"), sd.skipped());
        assertArrayEquals(new int[] {2, 4, 3}, sd.tensors().get("blocks.1.attn.W_Q").shape());
        assertEquals(-1e5f, sd.tensors().get("blocks.0.attn.IGNORE").get());
    }

    @Test
    void readsEachSharedStorageOnce() throws Exception {
        AtomicLong bytes = new AtomicLong();
        TorchCheckpoint.StateDict many = TorchCheckpoint.read(fixture("many.pth"), bytes::set);
        assertEquals(312, many.tensors().size());
        assertEquals((310 * 2 + 2 * 2) * 4, bytes.get(), "a [310, 2] storage read once for its 310 rows, a [2, 2] once for two views");

        bytes.set(0);
        TorchCheckpoint.StateDict shared = TorchCheckpoint.read(fixture("shared.pth"), bytes::set);
        assertEquals(7 * 3 * 4, bytes.get(), "W_E, W_U = W_E.T and a flat view share one storage");
        float[] wE = shared.tensors().get("W_E").data();
        float[] wU = shared.tensors().get("W_U").data();
        float[] flat = shared.tensors().get("W_E_flat").data();
        assertNotSame(wE, wU);
        assertNotSame(wE, flat);
        assertNotSame(wU, flat);
    }

    @Test
    void progressCountsEveryStorageByteOfFloatTensors() throws Exception {
        List<Long> seen = new ArrayList<>();
        TorchCheckpoint.read(fixture("f64.pth"), seen::add);
        long expected = 0;
        for (Tensor t : TorchCheckpoint.read(fixture("f64.pth")).tensors().values()) expected += 8L * t.size();
        assertEquals(expected, seen.getLast());
        for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) > seen.get(i - 1), "increasing");
    }

    @Test
    void readsTheZip64EndRecordsTorchWrites() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture("f32.pth"));
        byte[] zip64End = {'P', 'K', 6, 6};
        boolean found = false;
        for (int i = 0; i + 4 <= bytes.length && !found; i++) found = java.util.Arrays.equals(bytes, i, i + 4, zip64End, 0, 4);
        assertTrue(found, "torch.save writes a ZIP64 end of central directory");
        assertEquals(6, TorchCheckpoint.read(fixture("f32.pth")).tensors().size());
    }

    @Test
    void legacyFileGetsOneLineSayingHowToResave() {
        Path legacy = fixture("legacy.pth");
        TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.read(legacy));
        assertEquals(legacy + " is a legacy (pre-1.6) PyTorch file: re-save it with torch.save(torch.load(f), f2) in a"
                + " current PyTorch", e.getMessage());
    }

    @Test
    void resultIsReadOnlyAndInFileOrder() throws Exception {
        TorchCheckpoint.StateDict sd = TorchCheckpoint.read(fixture("f32.pth"));
        assertEquals(List.of("scalar", "vector", "matrix", "cube", "empty", "specials"), List.copyOf(sd.tensors().keySet()));
        assertEquals(0, sd.tensors().get("scalar").rank());
        assertArrayEquals(new int[] {0, 3}, sd.tensors().get("empty").shape());
        assertThrows(UnsupportedOperationException.class, () -> sd.tensors().remove("scalar"));
        assertThrows(UnsupportedOperationException.class, () -> sd.skipped().add("x"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f32.pth", "module.pth", "deflated.pth", "legacy.pth", "bigendian.pth", "hostile/os_system.pth",
        "hostile/truncated_tail.pth", "hostile/truncated_half.pth"})
    void looksLikeCheckpoints(String name) throws IOException {
        assertTrue(TorchCheckpoint.looksLike(fixture(name)), name);
    }

    @Test
    void looksLikeNothingElse(@TempDir Path dir) throws IOException {
        assertFalse(TorchCheckpoint.looksLike(fixture("f32.expected.safetensors")));
        assertFalse(TorchCheckpoint.looksLike(fixture("hostile/no_data_pkl.pth")));
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertFalse(TorchCheckpoint.looksLike(empty));
        byte[] noise = new byte[4096];
        new Random(11).nextBytes(noise);
        noise[0] = 0x33;
        assertFalse(TorchCheckpoint.looksLike(Files.write(dir.resolve("noise"), noise)));
        Path zip = dir.resolve("other.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("docs/readme.txt"));
            out.write("hello".getBytes());
        }
        assertFalse(TorchCheckpoint.looksLike(zip));
        assertThrows(IOException.class, () -> TorchCheckpoint.looksLike(dir.resolve("missing.pth")));
    }

    @Test
    void tensorsOfAWholeStorageKeepTheirValuesWithoutAliasing() throws Exception {
        Map<String, Tensor> a = TorchCheckpoint.read(fixture("f16.pth")).tensors();
        Map<String, Tensor> b = TorchCheckpoint.read(fixture("f16.pth")).tensors();
        a.get("matrix").data()[0] = 1234f;
        assertFalse(b.get("matrix").data()[0] == 1234f, "each read decodes its own arrays");
    }
}
