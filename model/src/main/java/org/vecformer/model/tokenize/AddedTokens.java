package org.vecformer.model.tokenize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Added tokens of one kind (matched on the raw text, or on the normalized text) and how HF cuts them out
 * of a text: scanning left to right, the leftmost occurrence of any of them, the longest one where several
 * start at the same place; the text between occurrences is left to the pre-tokenizer and the model.
 */
final class AddedTokens {
    /** One added token: its content and id. */
    record Added(String content, int id, boolean special, boolean normalized) {}

    /** A piece of text: an added token's id, or -1 for ordinary text. */
    record Piece(String text, int id) {}

    /** Added tokens by their first char, longest first. */
    private final Map<Character, List<Added>> byFirst = new HashMap<>();

    AddedTokens(List<Added> tokens) {
        for (Added a : tokens) byFirst.computeIfAbsent(a.content().charAt(0), c -> new ArrayList<>()).add(a);
        for (List<Added> l : byFirst.values()) l.sort(Comparator.comparingInt((Added a) -> a.content().length()).reversed());
    }

    boolean isEmpty() {
        return byFirst.isEmpty();
    }

    /** Appends the pieces of {@code text} to {@code out}; empty ordinary pieces are left out. */
    void split(String text, List<Piece> out) {
        if (byFirst.isEmpty()) {
            if (!text.isEmpty()) out.add(new Piece(text, -1));
            return;
        }
        int from = 0;
        for (int i = 0; i < text.length(); ) {
            List<Added> candidates = byFirst.get(text.charAt(i));
            Added hit = null;
            if (candidates != null) {
                for (Added a : candidates) {
                    if (text.startsWith(a.content(), i)) {
                        hit = a;
                        break;
                    }
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            if (i > from) out.add(new Piece(text.substring(from, i), -1));
            out.add(new Piece(hit.content(), hit.id()));
            i += hit.content().length();
            from = i;
        }
        if (from < text.length()) out.add(new Piece(text.substring(from), -1));
    }
}
