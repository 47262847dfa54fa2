package org.vecformer.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Data {@code tokens --data FILE}: whitespace-separated non-negative integer ids, any number per line. The
 * vocabulary is the given size, or max id + 1. Errors name the file and line: a word that is not an integer, a
 * negative id, an id &gt;= the given vocabulary, or no ids at all.
 */
public final class TokenFile {
    private TokenFile() {}

    /** Reads ids with vocabulary max id + 1. */
    public static TokenStream read(Path file) {
        return read(file, 0);
    }

    /** Reads ids that must lie in [0, dVocab); {@code dVocab == 0} means max id + 1. */
    public static TokenStream read(Path file, int dVocab) {
        if (dVocab < 0) throw new IllegalArgumentException("vocabulary size must be >= 1, not " + dVocab);
        int[] ids = new int[1024];
        int n = 0, max = -1, lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                for (String word : line.trim().split("\\s+")) {
                    if (word.isEmpty()) continue;
                    int id = parse(file, lineNo, word, dVocab);
                    if (n == ids.length) ids = Arrays.copyOf(ids, 2 * n);
                    ids[n++] = id;
                    max = Math.max(max, id);
                }
            }
        } catch (MalformedInputException e) {
            throw new DataFileException(file.toString(), lineNo + 1, "is not UTF-8 text");
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot be read: " + e.getMessage());
        }
        if (n == 0) throw new DataFileException(file.toString(), 0, "holds no token ids");
        return new TokenStream(file.toString(), Arrays.copyOf(ids, n), dVocab == 0 ? max + 1 : dVocab);
    }

    private static int parse(Path file, int line, String word, int dVocab) {
        int id;
        try {
            id = Integer.parseInt(word);
        } catch (NumberFormatException e) {
            throw new DataFileException(file.toString(), line, "'" + abbreviate(word) + "' is not an integer token id");
        }
        if (id < 0) throw new DataFileException(file.toString(), line, "negative token id " + id);
        if (dVocab > 0 && id >= dVocab) {
            throw new DataFileException(file.toString(), line, "token id " + id + " is outside the vocabulary [0, " + dVocab + ")");
        }
        return id;
    }

    private static String abbreviate(String word) {
        return word.length() <= 20 ? word : word.substring(0, 20) + "…";
    }
}
