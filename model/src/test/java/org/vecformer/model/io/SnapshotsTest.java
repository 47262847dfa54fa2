package org.vecformer.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotsTest {
    @TempDir
    Path dir;

    @Test
    void listsSnapshotsByTokensSeenNumericallyAndIgnoresOtherFiles() throws IOException {
        for (String name : List.of("tokens_20480.safetensors", "tokens_0.safetensors", "tokens_4096.pth", "tokens_100000.safetensors",
                "model.safetensors", "tokens_x.safetensors", "tokens_5.safetensors.tmp", "notes.txt")) {
            Files.writeString(dir.resolve(name), "");
        }
        Files.createDirectory(dir.resolve("tokens_7.safetensors"));
        List<Snapshots.Entry> list = Snapshots.list(dir);
        assertEquals(List.of(0L, 4096L, 20480L, 100000L), list.stream().map(Snapshots.Entry::tokens).toList());
        assertEquals(Snapshots.Kind.TL_STATE_DICT, list.get(1).kind());
        assertEquals(Snapshots.Kind.MODEL, list.get(0).kind());
        assertEquals(dir.resolve("tokens_20480.safetensors"), Snapshots.path(dir, 20480));
    }

    @Test
    void refusesTwoFilesForTheSameTokenCount() throws IOException {
        Files.writeString(dir.resolve("tokens_64.safetensors"), "");
        Files.writeString(dir.resolve("tokens_64.pth"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Snapshots.list(dir));
        assertTrue(e.getMessage().contains("two snapshots at 64 tokens"), e.getMessage());
    }
}
