package org.vecformer.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an I/O failure into the one line a user reads: "cannot write PATH: permission denied", naming the path the
 * user gave, never the temporary file an atomic writer was filling. Writers in this project (the CLI's atomic
 * writes, the engine's safetensors writer) fill {@code .NAME.<hex>.tmp} beside the target NAME and rename it, so a
 * failure on such a name is reported as a failure to write NAME.
 */
public final class IoErrors {
    /** {@code .NAME.<hex digits>.tmp}: the temporary twin of NAME. */
    private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.[0-9a-f]{1,16}\\.tmp");

    private IoErrors() {}

    /**
     * One line for {@code e}: a {@link FileSystemException} (the JDK's file errors, whose message is often just a path)
     * becomes "cannot write PATH: reason" when it concerns a temporary file or a rename onto PATH, else "PATH: reason";
     * any other I/O error keeps its own message (this project's file errors already name the file and the problem).
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String file = f.getFile(), other = f.getOtherFile();
            String target = other != null ? other : file;
            String original = original(target);
            boolean writing = other != null || !original.equals(target);
            return (writing ? "cannot write " : "") + original + ": " + reason(f);
        }
        return firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** {@link #describe(IOException)} of the cause. */
    public static String describe(UncheckedIOException e) {
        return describe(e.getCause());
    }

    /** "cannot write PATH: reason" for a failure while writing {@code path} (as the user gave it). */
    public static String cannotWrite(Path path, IOException e) {
        return "cannot write " + path + ": " + (e instanceof FileSystemException f ? reason(f) : describe(e));
    }

    /** What went wrong, in the words of the C library's messages, lower case. */
    static String reason(FileSystemException f) {
        return switch (f) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case NotDirectoryException n -> "not a directory";
            case FileAlreadyExistsException x -> "already exists";
            case DirectoryNotEmptyException d -> "is a directory that is not empty";
            default -> f.getReason() == null || f.getReason().isBlank() ? "I/O error" : lowerFirst(f.getReason());
        };
    }

    /** The file an atomic writer's temporary name stands for ({@code dir/.NAME.<hex>.tmp} → {@code dir/NAME}); other names unchanged. */
    static String original(String file) {
        Path p = Path.of(file);
        if (p.getFileName() == null) return file;
        Matcher m = TEMP.matcher(p.getFileName().toString());
        return m.matches() ? p.resolveSibling(m.group(1)).toString() : file;
    }

    private static String lowerFirst(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1) : s;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
