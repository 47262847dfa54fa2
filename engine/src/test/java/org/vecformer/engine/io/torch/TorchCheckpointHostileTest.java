package org.vecformer.engine.io.torch;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecformer.engine.io.torch.TorchFixtures.fixture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile and broken checkpoints (hostile/*.pth from make_fixtures.py, plus a few made here): each must be
 * one {@link TorchCheckpointException} whose single line names the file and the problem; never another
 * exception or an OutOfMemoryError, and never the payload run (os.system would create {@link #MARKER}).
 */
class TorchCheckpointHostileTest {
    private static final Path MARKER = Path.of("/tmp/vecformer-torch-fixture-was-executed");

    @BeforeAll
    static void noMarkerYet() throws IOException {
        Files.deleteIfExists(MARKER);
    }

    @AfterAll
    static void payloadNeverRan() {
        assertFalse(Files.exists(MARKER), "a pickle payload ran");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        os_system          | refuses global posix.system: a checkpoint may only build tensors (data.pkl byte 2)
        builtins_eval      | refuses global __builtin__.eval: a checkpoint may only build tensors
        stack_global       | refuses global posix.system: a checkpoint may only build tensors
        hook_global        | refuses global posix.system: a checkpoint may only build tensors
        quantized          | refuses global torch._utils._rebuild_qtensor: a checkpoint may only build tensors
        torchscript_global | refuses global __torch__.Net.Net: this is a TorchScript archive (torch.jit.save)
        from_type_func     | torch._tensor._rebuild_from_type_v2 may only call a tensor rebuild function, not the global collections.OrderedDict
        inst_opcode        | unsupported pickle opcode 0x69 (INST): a state dict never needs it (data.pkl byte 12)
        unknown_opcode     | unsupported pickle opcode 0xff: a state dict never needs it (data.pkl byte 3)
        no_stop            | data.pkl ends without STOP: truncated or damaged
        memo_missing       | memo entry 7 is read before it is written (data.pkl byte 3)
        memo_huge          | memo index 4294967280 passes the limit of 4194304
        mark_bomb          | more than 1048576 open MARKs: not a state dict
        deep_tuple         | data.pkl holds a tuple of 1, not a dict of tensors
        self_list          | state dict entry 'w' is a list, not a tensor
        non_dict           | data.pkl holds a list, not a dict of tensors: save a state dict (torch.save(model.state_dict(), f))
        int_key            | key #0 of the state dict is an int (0), not a string: a state dict maps names to tensors
        non_tensor_value   | state dict entry 'epoch' is an int (3), not a tensor
        size_not_tuple     | torch._utils._rebuild_tensor_v2 argument 2 is a string ('4'), not a tuple (the size)
        bad_persistent_id  | persistent id is a tuple of 5 starting with a string ('mmapped'), not ('storage', type, key, location, numel)
        mixed_storage_type | storage '0' is named as torch.FloatStorage of 4 elements and as torch.IntStorage of 4 elements
        huge_storage       | storage record archive/data/0 holds 16 bytes but its torch.FloatStorage of 1099511627776 elements needs 4398046511104
        huge_tensor        | tensor 'w' or its storage has more elements (1099511627776) than a Java array holds
        beyond_storage     | tensor 'w' (size [2, 2], stride [2, 1], offset 1) reads element 4 of storage '0', which holds 4
        negative_dim       | tensor 'w' has size -1 on axis 0
        negative_stride    | tensor 'w' has a negative stride -1 on axis 0
        missing_storage    | tensor 'w' uses storage record archive/data/5, which the archive lacks
        short_record       | storage record archive/data/0 holds 16 bytes but its torch.FloatStorage of 8 elements needs 32
        lying_sizes        | archive/data/0 claims 4194304 bytes (4194304 stored) in a file of 526 bytes: the zip directory is damaged
        lying_deflated     | storage record archive/data/0 ends after 16 of 1024 bytes: the file is truncated or damaged
        no_data_pkl        | a zip archive without a <name>/data.pkl record: not a PyTorch checkpoint
        truncated_half     | not a readable zip archive
        truncated_tail     | not a readable zip archive
        truncated_header   | not a readable zip archive
        """)
    void refusesWithOneLine(String name, String problem) {
        Path file = fixture("hostile/" + name + ".pth");
        assertRefused(file, problem.strip());
    }

    @Test
    void moreFloatsThanTheHeapHoldsIsRefusedBeforeAllocating() {
        Path file = fixture("strided.pth");
        // 24 + 15 + 5 floats of views, plus the [4, 6] and [1, 5] storages that the transposed and expanded views copy from
        long need = 4 * (24 + 15 + 5 + 24 + 5 + 10);
        TorchCheckpointException e = assertThrows(TorchCheckpointException.class,
                () -> TorchCheckpoint.read(file, bytes -> { }, need - 1));
        assertOneLine(file, e.getMessage());
        assertTrue(e.getMessage().endsWith("needs 0.0 MiB of heap for its float tensors but the JVM may use 0.0 MiB: run java with a"
                + " larger -Xmx"), e.getMessage());
        assertDoesNotThrow(() -> TorchCheckpoint.read(file, bytes -> { }, need));
    }

    @Test
    void emptyFile(@TempDir Path dir) throws IOException {
        assertRefused(Files.write(dir.resolve("empty.pth"), new byte[0]), "empty file (0 bytes): not a PyTorch checkpoint");
    }

    @Test
    void randomBytes(@TempDir Path dir) throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[1 + random.nextInt(5000)];
            random.nextBytes(b);
            if (b[0] == 'P' || (b[0] & 0xFF) == 0x80) b[0] = 0x11;
            assertRefused(Files.write(dir.resolve("noise" + i + ".pth"), b), "not a zip header (PK\\3\\4)");
            b[0] = 'P';
            if (b.length > 4) {
                b[1] = 'K';
                b[2] = 3;
                b[3] = 4;
                assertRefused(Files.write(dir.resolve("zipnoise" + i + ".pth"), b), "not a readable zip archive");
            }
        }
    }

    @Test
    void barePickle(@TempDir Path dir) throws IOException {
        byte[] pickle = {(byte) 0x80, 2, '}', '.'};
        assertRefused(Files.write(dir.resolve("bare.pth"), pickle), "starts with a bare pickle (0x80), not a zip header");
    }

    @Test
    void twoCheckpointsInOneZip(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String stem : new String[] {"a", "b"}) {
                zip.putNextEntry(new ZipEntry(stem + "/data.pkl"));
                zip.write(new byte[] {(byte) 0x80, 2, '}', '.'});
            }
        }
        assertRefused(Files.write(dir.resolve("two.pth"), bytes.toByteArray()), "several data.pkl records (a, b)");
    }

    @Test
    void everyTruncationOfAGoodFileIsOneLine(@TempDir Path dir) throws IOException {
        byte[] good = Files.readAllBytes(fixture("slice.pth"));
        for (int n = 0; n < good.length; n += 7) {
            byte[] cut = java.util.Arrays.copyOf(good, n);
            Path file = Files.write(dir.resolve("cut" + n + ".pth"), cut);
            assertRefused(file, "");
        }
    }

    @Test
    void everySingleByteFlipInThePickleIsOneLineOrAValidRead(@TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(fixture("hostile/beyond_storage.pth"));
        int start = 30 + "archive/data.pkl".length();
        for (int i = start; i < start + 200; i++) {
            byte[] bent = good.clone();
            bent[i] ^= (byte) 0x5a;
            Path file = Files.write(dir.resolve("flip" + i + ".pth"), bent);
            try {
                TorchCheckpoint.read(file);
            } catch (TorchCheckpointException e) {
                assertOneLine(file, e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"slice.pth", "deflated.pth", "bigendian.pth"})
    void randomlyBentFilesReadOrFailWithOneLine(String name, @TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(fixture(name));
        Random random = new Random(name.hashCode());
        Path file = dir.resolve("bent.pth");
        for (int run = 0; run < 150; run++) {
            byte[] bent = good.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) bent[random.nextInt(bent.length)] = (byte) random.nextInt(256);
            Files.write(file, bent);
            try {
                TorchCheckpoint.read(file);
            } catch (TorchCheckpointException e) {
                assertOneLine(file, e.getMessage());
            }
        }
    }

    private static void assertRefused(Path file, String problem) {
        TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.read(file));
        assertOneLine(file, e.getMessage());
        assertTrue(e.getMessage().contains(problem), () -> "expected \"" + problem + "\" in: " + e.getMessage());
    }

    private static void assertOneLine(Path file, String message) {
        assertTrue(message.startsWith(file.toString()), message);
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertTrue(message.length() < 400, () -> "too long: " + message);
    }
}
