package org.vecformer.model.tokenize;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One token per character (Unicode code point): id i is the i-th character of {@code vocab}. Built from a
 * text as its distinct characters in code-point order; stored in a model file as
 * {@code {"type":"char","vocab":["a","b",…]}}.
 */
public record CharTokenizer(List<String> vocab) implements Tokenizer {
    public CharTokenizer {
        vocab = List.copyOf(vocab);
        if (vocab.isEmpty()) throw new IllegalArgumentException("a character vocabulary needs at least one character");
        Set<String> seen = new HashSet<>();
        for (String ch : vocab) {
            if (ch.codePointCount(0, ch.length()) != 1) throw new IllegalArgumentException("vocabulary entry \"" + ch + "\" is not one character");
            if (!seen.add(ch)) throw new IllegalArgumentException("character " + describe(ch.codePointAt(0)) + " appears twice in the vocabulary");
        }
    }

    /** The distinct characters of {@code text}, in code-point order. */
    public static CharTokenizer fromText(String text) {
        TreeSet<Integer> cps = new TreeSet<>();
        text.codePoints().forEach(cps::add);
        return new CharTokenizer(cps.stream().map(Character::toString).toList());
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int[] encode(String text) {
        Map<Integer, Integer> ids = index();
        return text.codePoints().map(cp -> {
            Integer id = ids.get(cp);
            if (id == null) {
                throw new IllegalArgumentException("character " + describe(cp) + " is not in the vocabulary of "
                        + vocab.size() + " characters");
            }
            return id;
        }).toArray();
    }

    private Map<Integer, Integer> index() {
        Map<Integer, Integer> m = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) m.put(vocab.get(i).codePointAt(0), i);
        return m;
    }

    @Override
    public String decode(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab.size() + ")");
        }
        return vocab.get(id);
    }

    @Override
    public String piece(int id) {
        return decode(id);
    }

    /** {@code 'x' (U+0078)}. */
    static String describe(int cp) {
        String shown = Character.isISOControl(cp) || Character.isWhitespace(cp) ? "" : "'" + Character.toString(cp) + "' ";
        return shown + String.format("(U+%04X)", cp);
    }

    /** The JSON stored in a model file's {@code __metadata__.tokenizer}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "char");
        m.put("vocab", vocab);
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write tokenizer JSON: " + e.getMessage(), e);
        }
    }

    /** Reads {@link #toJson()}'s format. */
    public static CharTokenizer fromJson(String json) {
        Map<String, Object> m;
        try {
            m = JSON.std.mapFrom(json);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("tokenizer is not a JSON object");
        }
        if (m == null) throw new IllegalArgumentException("tokenizer type must be \"char\", not null");
        return fromMap(m);
    }

    /** {@link #fromJson} on the parsed object. */
    static CharTokenizer fromMap(Map<String, Object> m) {
        if (!"char".equals(m.get("type"))) {
            throw new IllegalArgumentException("tokenizer type must be \"char\", not " + m.get("type"));
        }
        if (!(m.get("vocab") instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("tokenizer vocab must be a list of one-character strings");
        }
        return new CharTokenizer(list.stream().map(String.class::cast).toList());
    }
}
