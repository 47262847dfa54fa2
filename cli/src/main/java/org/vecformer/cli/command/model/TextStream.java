package org.vecformer.cli.command.model;

import java.util.Arrays;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.Tokenizer;

/**
 * The text of a growing sequence of ids, handed out piece by piece as ids arrive (for streaming generation).
 * A byte-level BPE token may hold part of a character, so for a BPE the whole sequence is decoded each time
 * and the text is handed out up to its last complete character: a character split over two tokens appears
 * once, when its last byte arrives. An id the BPE does not know (a model's padded d_vocab) shows as
 * {@code ⟨id⟩}. Other tokenizers decode token by token.
 */
final class TextStream {
    private final Tokenizer tokenizer;
    private int[] ids = new int[16];
    private int n;
    private int handedOut;

    TextStream(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The new text once {@code id} is appended. */
    String add(int id) {
        if (!(tokenizer instanceof BpeTokenizer bpe)) return tokenizer.decode(id);
        if (!bpe.contains(id)) {
            String held = finish();
            n = 0;
            handedOut = 0;
            return held + "⟨" + id + "⟩";
        }
        if (n == ids.length) ids = Arrays.copyOf(ids, n * 2);
        ids[n++] = id;
        String text = bpe.decode(Arrays.copyOf(ids, n));
        int end = text.length();
        while (end > handedOut && text.charAt(end - 1) == '\uFFFD') end--;
        String out = text.substring(handedOut, end);
        handedOut = end;
        return out;
    }

    /** The text held back at the end (bytes of an unfinished character, shown as U+FFFD). */
    String finish() {
        if (!(tokenizer instanceof BpeTokenizer bpe)) return "";
        String text = bpe.decode(Arrays.copyOf(ids, n));
        String out = text.substring(handedOut);
        handedOut = text.length();
        return out;
    }
}
