package org.vecformer.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.engine.tensor.Tensor;

/** The writer replaces a file in one step: on failure nothing is left behind and the old file is untouched. */
class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static Map<String, Tensor> weights(float value) {
        return Map.of("w", Tensor.of(new float[] {value, value + 1}, 2));
    }

    @Test
    void replacesAnExistingFileAndLeavesNothingElse() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Map.of("v", "1"), weights(1));
        SafetensorsWriter.write(file, Map.of("v", "2"), weights(5));
        assertEquals(List.of(file), listing());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Map.of("v", "2"), f.metadata());
            assertArrayEquals(new float[] {5, 6}, f.readFloats("w"));
        }
    }

    @Test
    void failedRenameLeavesNoTemporaryFileAndTheTargetIntact() throws IOException {
        Path target = Files.createDirectory(dir.resolve("model.safetensors"));
        Path inside = Files.writeString(target.resolve("keep.txt"), "kept");
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> SafetensorsWriter.write(target, Map.of(), weights(1)));
        assertTrue(e.getFile().endsWith(".tmp"), "the rename of the complete temporary file failed: " + e);
        assertEquals(target.toString(), e.getOtherFile());
        assertEquals(List.of(target), listing(), "the temporary file was removed");
        assertEquals("kept", Files.readString(inside));
    }

    @Test
    void refusedInputLeavesThePreviousFileUntouched() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Map.of(), weights(1));
        byte[] before = Files.readAllBytes(file);
        Map<String, Tensor> reserved = new LinkedHashMap<>(weights(2));
        reserved.put("__metadata__", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.write(file, Map.of(), reserved));
        assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), listing());
    }

    @Test
    void missingDirectoryFailsWithoutCreatingAnything() {
        Path file = dir.resolve("absent").resolve("model.safetensors");
        assertThrows(IOException.class, () -> SafetensorsWriter.write(file, Map.of(), weights(1)));
        assertTrue(Files.notExists(dir.resolve("absent")));
    }
}
