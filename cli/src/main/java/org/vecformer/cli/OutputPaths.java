package org.vecformer.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one rule for every file a command writes, checked before any work so that a long run never fails at its
 * end: an output FILE's directory must exist (nothing creates missing directories), FILE must not be a directory,
 * and the directory must accept new files (a probe file is created and deleted, which also catches read-only
 * mounts and pseudo file systems such as /proc). An output DIR may exist (as a directory) or be created, but only
 * DIR itself: its parent must exist. A path that is wrong as given is a usage error (exit 2); a directory the
 * system will not write into is a failure (exit 1), "cannot write PATH: permission denied".
 */
public final class OutputPaths {
    private OutputPaths() {}

    /** Checks the output file {@code file} given with {@code option} (see the class comment); returns it. */
    public static Path file(String option, Path file) throws IOException {
        if (Files.isDirectory(file)) throw new UsageException(option + " " + file + " is a directory; give a file name");
        Path dir = parent(file);
        if (!Files.exists(dir)) throw new UsageException(option + " " + file + ": directory " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new UsageException(option + " " + file + ": " + dir + " is not a directory");
        probe(file, dir);
        return file;
    }

    /** Checks the output directory {@code dir} given with {@code option}: an existing directory, or one {@link #create} can make; returns it. */
    public static Path directory(String option, Path dir) throws IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) throw new UsageException(option + " " + dir + " is a file; give a directory");
            probe(dir, dir);
            return dir;
        }
        Path parent = parent(dir);
        if (!Files.exists(parent)) throw new UsageException(option + " " + dir + ": directory " + parent + " does not exist");
        if (!Files.isDirectory(parent)) throw new UsageException(option + " " + dir + ": " + parent + " is not a directory");
        probe(dir, parent);
        return dir;
    }

    /** Creates the directory {@code dir} checked by {@link #directory} when it does not exist yet (its parent does). */
    public static void create(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw new IOException(IoErrors.cannotWrite(dir, e));
        } catch (IOException e) {
            throw new IOException(IoErrors.cannotWrite(dir, e), e);
        }
    }

    /** The directory {@code path} lives in, as the user wrote it when they named one, else the working directory. */
    private static Path parent(Path path) {
        Path p = path.getParent();
        return p != null ? p : path.toAbsolutePath().getParent();
    }

    /** Creates and deletes a hidden file in {@code dir}; a failure is "cannot write TARGET: why". */
    private static void probe(Path target, Path dir) throws IOException {
        Path probe;
        try {
            probe = Files.createTempFile(dir, ".vecformer-probe-", ".tmp");
        } catch (NoSuchFileException e) {
            throw new IOException("cannot write " + target + ": the directory " + dir + " does not accept new files", e);
        } catch (IOException e) {
            throw new IOException(IoErrors.cannotWrite(target, e), e);
        }
        Files.deleteIfExists(probe);
    }
}
