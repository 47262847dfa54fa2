package org.vecformer.model.tokenize;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * GPT-2's byte-level alphabet: every byte b is one printable character. The 188 bytes that are printable
 * Latin-1 ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the other 68 (controls, space, DEL, NBSP,
 * soft hyphen) become U+0100, U+0101, … in byte order, so the space 0x20 is 'Ġ' (U+0120) and '\n' is 'Ċ'.
 */
final class ByteLevel {
    /** byteToChar[b] = the character of byte b (0..255). */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** charToByte[c] = the byte of character c, or -1; c below 0x200 covers the whole alphabet. */
    private static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The character of byte {@code b} (its low 8 bits). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte of alphabet character {@code c}, or -1 when {@code c} is not in the alphabet. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The UTF-8 bytes of {@code text} written in the alphabet: "é" (C3 A9) is "Ã©". */
    static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        return new String(out);
    }

    /**
     * HF's ByteLevel decoder: each token turns into bytes (its characters' bytes when all of them are in the
     * alphabet, else its own UTF-8, as for an added token like "ﬁle"), and the concatenation is read as
     * UTF-8 with every invalid sequence replaced by U+FFFD (Rust's {@code from_utf8_lossy}).
     */
    static String decode(List<String> tokens) {
        return lossyUtf8(bytes(tokens));
    }

    static byte[] bytes(List<String> tokens) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String t : tokens) {
            byte[] mapped = new byte[t.length()];
            boolean all = true;
            for (int i = 0; i < t.length() && all; i++) {
                int b = byteOf(t.charAt(i));
                if (b < 0) all = false;
                else mapped[i] = (byte) b;
            }
            out.writeBytes(all ? mapped : t.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /**
     * UTF-8 with each maximal invalid subsequence replaced by one U+FFFD, as Rust's {@code from_utf8_lossy}
     * (Unicode's "substitution of maximal subparts", which the JDK's decoder also follows).
     */
    static String lossyUtf8(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = d.decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing UTF-8 decoder threw: " + e.getMessage(), e);
        }
    }

    /**
     * {@code bytes} as text for people: valid UTF-8 as its characters, every byte that is not part of a
     * valid sequence as {@code \xNN} (a token holding half of "é" shows as {@code \xC3}).
     */
    static String display(byte[] bytes) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < bytes.length) {
            int lead = bytes[i] & 0xFF;
            int len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
            String ch = null;
            if (len > 0 && i + len <= bytes.length) {
                try {
                    ch = strict.decode(ByteBuffer.wrap(bytes, i, len)).toString();
                } catch (CharacterCodingException e) {
                    ch = null;
                }
            }
            if (ch == null) {
                sb.append(String.format("\\x%02X", lead));
                i++;
            } else {
                sb.append(ch);
                i += len;
            }
        }
        return sb.toString();
    }
}
