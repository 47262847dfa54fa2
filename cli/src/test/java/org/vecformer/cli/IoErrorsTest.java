package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vecformer.model.io.ModelFileException;

class IoErrorsTest {
    @Test
    void temporaryNamesAreReportedAsTheTargetTheyStandFor() {
        // the engine's SafetensorsWriter and the CLI's AtomicWrite both write .NAME.<hex>.tmp beside NAME
        assertEquals("cannot write /data/m.safetensors: permission denied",
                IoErrors.describe(new AccessDeniedException("/data/.m.safetensors.e69af131c1951ea4.tmp")));
        assertEquals("cannot write /data/c.txt: no such file or directory",
                IoErrors.describe(new NoSuchFileException("/data/.c.txt.e69af131.tmp")));
        // a failed rename names the target
        assertEquals("cannot write /data/out: is a directory",
                IoErrors.describe(new FileSystemException("/data/.out.00ff.tmp", "/data/out", "Is a directory")));
        assertEquals("/data/out: is a directory that is not empty", IoErrors.describe(new DirectoryNotEmptyException("/data/out")));
    }

    @Test
    void plainFileErrorsNameTheFileAndTheReason() {
        assertEquals("/data/x.txt: permission denied", IoErrors.describe(new AccessDeniedException("/data/x.txt")));
        assertEquals("/data/.hidden.txt: no such file or directory", IoErrors.describe(new NoSuchFileException("/data/.hidden.txt")));
        assertEquals("/data/x: read-only file system", IoErrors.describe(new FileSystemException("/data/x", null, "Read-only file system")));
        assertEquals("cannot write out.html: permission denied", IoErrors.cannotWrite(Path.of("out.html"), new AccessDeniedException("/abs/.out.html.1.tmp")));
    }

    @Test
    void theProjectsOwnMessagesStayAsTheyAre() {
        assertEquals("model file m.safetensors: no such file", IoErrors.describe(new ModelFileException(Path.of("m.safetensors"), "no such file")));
    }
}
