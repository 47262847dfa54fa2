package org.vecformer.model.tokenize;

/** Turns text into token ids and back. */
public sealed interface Tokenizer permits IdTokenizer, CharTokenizer {
    /** Number of distinct ids: every id is in {@code [0, vocabSize())}. */
    int vocabSize();

    /** The ids of {@code text}; an unknown piece is an {@link IllegalArgumentException} naming it. */
    int[] encode(String text);

    /** The text of one id. */
    String decode(int id);

    /** The text of a sequence of ids. */
    default String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(decode(id));
        return sb.toString();
    }
}
