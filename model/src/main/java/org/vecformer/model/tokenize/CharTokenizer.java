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
 *
 * <p>A capped vocabulary ({@link #fromText(String, int)}) keeps a text's most frequent characters and has one
 * unknown id, the character {@link #UNKNOWN} (U+FFFD, the Unicode replacement character), that every other
 * character encodes to, in training and in prompts alike; it is stored as {@code "unknown":"\uFFFD"}.
 *
 * @param unknownId the id of {@link #UNKNOWN} that unseen characters map to, or −1 when they are refused
 */
public record CharTokenizer(List<String> vocab, int unknownId) implements Tokenizer {
    /** The character of the unknown id of a capped vocabulary. */
    public static final String UNKNOWN = "\uFFFD";

    public CharTokenizer {
        vocab = List.copyOf(vocab);
        if (vocab.isEmpty()) throw new IllegalArgumentException("a character vocabulary needs at least one character");
        Set<String> seen = new HashSet<>();
        for (String ch : vocab) {
            if (ch.codePointCount(0, ch.length()) != 1) throw new IllegalArgumentException("vocabulary entry \"" + ch + "\" is not one character");
            if (!seen.add(ch)) throw new IllegalArgumentException("character " + describe(ch.codePointAt(0)) + " appears twice in the vocabulary");
        }
        if (unknownId != -1 && (unknownId < 0 || unknownId >= vocab.size() || !vocab.get(unknownId).equals(UNKNOWN))) {
            throw new IllegalArgumentException("the unknown id " + unknownId + " must be the vocabulary's U+FFFD");
        }
    }

    /** A vocabulary without an unknown id: characters outside it are refused. */
    public CharTokenizer(List<String> vocab) {
        this(vocab, -1);
    }

    /** The distinct characters of {@code text}, in code-point order. */
    public static CharTokenizer fromText(String text) {
        TreeSet<Integer> cps = new TreeSet<>();
        text.codePoints().forEach(cps::add);
        return new CharTokenizer(cps.stream().map(Character::toString).toList());
    }

    /**
     * {@link #fromText(String)} when the text has at most {@code maxVocab} distinct characters; else its
     * {@code maxVocab − 1} most frequent characters other than U+FFFD (equal counts: the smaller code point first)
     * and {@link #UNKNOWN}, in code-point order, the unknown id standing for every character left out (and for the
     * text's own U+FFFD).
     */
    public static CharTokenizer fromText(String text, int maxVocab) {
        Map<Integer, Long> counts = new HashMap<>();
        text.codePoints().forEach(cp -> counts.merge(cp, 1L, Long::sum));
        if (counts.size() <= maxVocab) return fromText(text);
        if (maxVocab < 2) throw new IllegalArgumentException("a capped character vocabulary needs at least 2 tokens (one is the unknown), not " + maxVocab);
        int unknown = UNKNOWN.codePointAt(0);
        TreeSet<Integer> kept = new TreeSet<>();
        counts.entrySet().stream().filter(e -> e.getKey() != unknown)
                .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(maxVocab - 1).forEach(e -> kept.add(e.getKey()));
        kept.add(unknown);
        List<String> vocab = kept.stream().map(Character::toString).toList();
        return new CharTokenizer(vocab, vocab.indexOf(UNKNOWN));
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
            if (id == null && unknownId >= 0) return unknownId;
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
        if (unknownId >= 0) m.put("unknown", UNKNOWN);
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write tokenizer JSON: " + e.getMessage(), e);
        }
    }

    /** Reads {@link #toJson()}'s format (a vocabulary without {@code "unknown"} refuses characters outside it). */
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
        List<String> vocab = list.stream().map(String.class::cast).toList();
        Object unknown = m.get("unknown");
        if (unknown == null) return new CharTokenizer(vocab);
        if (!UNKNOWN.equals(unknown) || !vocab.contains(UNKNOWN)) {
            throw new IllegalArgumentException("tokenizer unknown must be \"\\uFFFD\", one of its vocab, not " + unknown);
        }
        return new CharTokenizer(vocab, vocab.indexOf(UNKNOWN));
    }
}
