package org.vecformer.cli.command.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Points the token cache ({@code -Dvecformer.cache}, {@link TrainTask#cacheDir}) at a fresh folder for each test, removed after it. */
final class TempCache implements BeforeEachCallback, AfterEachCallback {
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("vecformer-cache");
        System.setProperty("vecformer.cache", dir.toString());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        System.clearProperty("vecformer.cache");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** This test's cache folder. */
    Path dir() {
        return dir;
    }
}
