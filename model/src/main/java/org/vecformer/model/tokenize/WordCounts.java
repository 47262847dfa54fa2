package org.vecformer.model.tokenize;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * What the BPE trainer keeps of its training text: each distinct pre-tokenized word and how often it occurs.
 * The text is cut the way HF's trainer cuts it ({@code Tokenizer.train} reads files line by line): into
 * lines that keep their {@code '\n'}, each line NFC-normalized and split by the GPT-2 pattern
 * ({@link Gpt2Split}); the words are stored as text and written in the byte-level alphabet only by the
 * trainer. Memory is one map entry per distinct word, never the text.
 */
public final class WordCounts {
    /** A text to count, opened when a worker takes it and closed after. */
    @FunctionalInterface
    public interface Source {
        Reader open() throws IOException;
    }

    private static final int BUFFER = 1 << 16;

    /** word -> {count}: a one-element array so counting is one lookup. */
    private final HashMap<String, long[]> counts = new HashMap<>();
    private final StringBuilder partial = new StringBuilder();

    /** Counts the words of {@code text} (a whole document: its lines are cut at each {@code '\n'}). */
    public void addText(String text) {
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                addLine(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) addLine(text.substring(start));
    }

    /**
     * Counts the words of everything {@code reader} gives, as {@link #addText} would count it whole, holding
     * at most one line (and a 64 KB buffer) at a time.
     */
    public void addAll(Reader reader) throws IOException {
        char[] buf = new char[BUFFER];
        partial.setLength(0);
        int n;
        while ((n = reader.read(buf)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') continue;
                if (partial.isEmpty()) {
                    addLine(new String(buf, start, i + 1 - start));
                } else {
                    partial.append(buf, start, i + 1 - start);
                    addLine(partial.toString());
                    partial.setLength(0);
                }
                start = i + 1;
            }
            partial.append(buf, start, n - start);
        }
        if (!partial.isEmpty()) addLine(partial.toString());
        partial.setLength(0);
    }

    /** Adds another count's words to this one. */
    public void addAll(WordCounts other) {
        for (Map.Entry<String, long[]> e : other.counts.entrySet()) {
            counts.computeIfAbsent(e.getKey(), k -> new long[1])[0] += e.getValue()[0];
        }
    }

    /** Number of distinct words. */
    public int distinct() {
        return counts.size();
    }

    /** Number of words counted, repeats included. */
    public long total() {
        long t = 0;
        for (long[] c : counts.values()) t += c[0];
        return t;
    }

    /** Each distinct word (as text, before the byte-level alphabet) with its count, in no fixed order. */
    void forEach(BiConsumer<String, Long> action) {
        for (Map.Entry<String, long[]> e : counts.entrySet()) action.accept(e.getKey(), e.getValue()[0]);
    }

    /**
     * Counts {@code sources} on {@code threads} workers, each taking the next source in turn into its own
     * counts; the result is their sum, so it does not depend on which worker took which source.
     *
     * @throws UncheckedIOException the first read error, after every worker has stopped
     */
    public static WordCounts count(List<? extends Source> sources, int threads) {
        int workers = Math.max(1, Math.min(threads, sources.size()));
        AtomicInteger next = new AtomicInteger();
        List<WordCounts> parts = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        IOException[] failure = new IOException[workers];
        for (int w = 0; w < workers; w++) {
            WordCounts part = new WordCounts();
            parts.add(part);
            int worker = w;
            running.add(Thread.ofPlatform().name("vecformer-wordcount-" + w).start(() -> {
                for (int i = next.getAndIncrement(); i < sources.size(); i = next.getAndIncrement()) {
                    try (Reader r = sources.get(i).open()) {
                        part.addAll(r);
                    } catch (IOException e) {
                        failure[worker] = e;
                        next.set(sources.size());
                        return;
                    }
                }
            }));
        }
        for (Thread t : running) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while counting words", e);
            }
        }
        for (IOException e : failure) {
            if (e != null) throw new UncheckedIOException(e.getMessage(), e);
        }
        WordCounts sum = parts.getFirst();
        for (int w = 1; w < parts.size(); w++) sum.addAll(parts.get(w));
        return sum;
    }

    private void addLine(String line) {
        String normalized = nfcStable(line) ? line : Normalizer.normalize(line, Normalizer.Form.NFC);
        Gpt2Split.split(normalized, word -> counts.computeIfAbsent(word, k -> new long[1])[0]++);
    }

    /**
     * True when every char is below U+0300: such a text is already NFC (no character there decomposes, and
     * the first combining mark, U+0300, is where composition could start), which skips the JDK's check on
     * the common ASCII/Latin-1 line.
     */
    private static boolean nfcStable(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x300) return false;
        }
        return true;
    }
}
