package org.vecformer.model.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Model snapshots along a training run, one file per snapshot named by the tokens the model had seen:
 * {@code DIR/tokens_<T>.safetensors} (our model files), as the Hub's TransformerLens training runs name theirs
 * {@code checkpoints/tokens_<N>.pth} (state dicts, which need the run's config to read). Tokens seen after step s
 * = s · batch · n_ctx (every position of every sequence, as TransformerLens counts them).
 */
public final class Snapshots {
    private static final Pattern NAME = Pattern.compile("tokens_(\\d+)\\.(safetensors|pth)");

    private Snapshots() {}

    /** What a snapshot file holds: one of our model files, or a TransformerLens state dict. */
    public enum Kind { MODEL, TL_STATE_DICT }

    /** One snapshot: {@code tokens} seen when it was taken. */
    public record Entry(long tokens, Path path, Kind kind) {}

    /** {@code dir/tokens_<tokens>.safetensors}. */
    public static Path path(Path dir, long tokens) {
        if (tokens < 0) throw new IllegalArgumentException("tokens seen must be >= 0, not " + tokens);
        return dir.resolve("tokens_" + tokens + ".safetensors");
    }

    /** Writes {@code model} as the snapshot after {@code tokens} tokens, atomically ({@link ModelFile#save}). */
    public static Path save(Path dir, long tokens, ModelFile model) throws IOException {
        Path p = path(dir, tokens);
        model.save(p);
        return p;
    }

    /**
     * The snapshots in {@code dir} ordered by tokens seen: files named {@code tokens_<T>.safetensors} or
     * {@code tokens_<T>.pth}; other files are ignored.
     *
     * @throws IllegalArgumentException when two files have the same T (one .safetensors, one .pth)
     */
    public static List<Entry> list(Path dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p)) continue;
                long tokens;
                try {
                    tokens = Long.parseLong(m.group(1));
                } catch (NumberFormatException tooLong) {
                    continue;
                }
                out.add(new Entry(tokens, p, m.group(2).equals("pth") ? Kind.TL_STATE_DICT : Kind.MODEL));
            }
        }
        out.sort(Comparator.comparingLong(Entry::tokens));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).tokens() == out.get(i - 1).tokens()) {
                throw new IllegalArgumentException(dir + " holds two snapshots at " + out.get(i).tokens() + " tokens: "
                        + out.get(i - 1).path().getFileName() + " and " + out.get(i).path().getFileName() + "; keep one");
            }
        }
        return out;
    }
}
