package org.vecformer.model.tokenize;

import java.util.function.Consumer;

/**
 * The GPT-2 pre-tokenizer split that HF's ByteLevel pre-tokenizer applies ({@code use_regex}), written
 * out as a scanner over code points instead of the regex
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * with the regex's alternation order and backtracking: at each position the first alternative that matches
 * takes the longest run it can. {@code \s} is Unicode's White_Space property (as Oniguruma reads it on
 * UTF-8: NBSP, U+0085, U+3000 are spaces; U+001C..U+001F and U+180E are not), {@code \p{L}} the letter
 * categories, {@code \p{N}} the number categories (Nd, Nl, No). Contractions are case-sensitive: "'S" is
 * not one. The pieces cover the text exactly.
 */
final class Gpt2Split {
    private Gpt2Split() {}

    /** Calls {@code piece} with each piece of {@code text}, left to right. */
    static void split(String text, Consumer<String> piece) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = next(text, i, n);
            piece.accept(text.substring(i, end));
            i = end;
        }
    }

    /** End (exclusive, in chars) of the piece that starts at {@code i}. */
    private static int next(String s, int i, int n) {
        int c = s.codePointAt(i);
        if (c == '\'') {
            int len = contraction(s, i + 1, n);
            if (len > 0) return i + 1 + len;
        }
        int start = i;
        int first = c;
        if (c == ' ' && i + 1 < n) {
            int d = s.codePointAt(i + 1);
            if (!isSpace(d)) {
                start = i + 1;
                first = d;
            }
        }
        if (start > i || !isSpace(first)) {
            Kind kind = kindOf(first);
            int j = start;
            while (j < n) {
                int d = s.codePointAt(j);
                if (kindOf(d) != kind) break;
                j += Character.charCount(d);
            }
            return j;
        }
        // \s+(?!\S) then \s+: the whitespace run, less its last character when a non-space follows it
        // (that one joins the next piece, or stands alone if the run is a single character).
        int j = i;
        int last = i;
        while (j < n) {
            int d = s.codePointAt(j);
            if (!isSpace(d)) break;
            last = j;
            j += Character.charCount(d);
        }
        if (j == n || last == i) return j;
        return last;
    }

    /** Length after the apostrophe of a contraction s, t, re, ve, m, ll, d at {@code i}, or 0. */
    private static int contraction(String s, int i, int n) {
        if (i >= n) return 0;
        char a = s.charAt(i);
        char b = i + 1 < n ? s.charAt(i + 1) : 0;
        return switch (a) {
            case 's', 't', 'm', 'd' -> 1;
            case 'r', 'v' -> b == 'e' ? 2 : 0;
            case 'l' -> b == 'l' ? 2 : 0;
            default -> 0;
        };
    }

    private enum Kind { LETTER, NUMBER, OTHER, SPACE }

    private static Kind kindOf(int cp) {
        if (isSpace(cp)) return Kind.SPACE;
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> Kind.LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> Kind.NUMBER;
            default -> Kind.OTHER;
        };
    }

    /** Unicode White_Space. */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }
}
