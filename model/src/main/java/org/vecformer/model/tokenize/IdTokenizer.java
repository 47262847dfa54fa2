package org.vecformer.model.tokenize;

import java.util.Arrays;

/**
 * Raw integer ids written as text: {@code "3 1 4"} (spaces and/or commas between ids) is [3, 1, 4].
 * Decoding writes each id followed by a space.
 */
public record IdTokenizer(int vocabSize) implements Tokenizer {
    public IdTokenizer {
        if (vocabSize < 1) throw new IllegalArgumentException("vocabulary size must be >= 1, not " + vocabSize);
    }

    @Override
    public int[] encode(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) return new int[0];
        String[] parts = trimmed.split("[\\s,]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long id;
            try {
                id = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("token '" + parts[i] + "' is not a whole number (write ids like \"3 1 4\")");
            }
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("token id " + parts[i] + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            ids[i] = (int) id;
        }
        return ids;
    }

    @Override
    public String decode(int id) {
        return id + " ";
    }

    @Override
    public String piece(int id) {
        return Integer.toString(id);
    }

    @Override
    public String decode(int[] ids) {
        return String.join(" ", Arrays.stream(ids).mapToObj(Integer::toString).toList());
    }
}
