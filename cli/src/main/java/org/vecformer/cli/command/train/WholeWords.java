package org.vecformer.cli.command.train;

import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Which word-start tokens are whole words in a text, as byte-level BPE cut it. A token such as ' gener' starts a word
 * but rarely ends one (' gener' 'ic', ' gener' 'a'); ' genus' usually does. So among the candidates (word starts), a
 * token is a whole word when the token after it ends the word at least as often as it continues it:
 * <pre>
 *   whole(t)  ⇔  continued(t) ≤ count(t) / 2
 *   count(t)     = #{i &lt; n-1 : ids[i] = t}
 *   continued(t) = #{i &lt; n-1 : ids[i] = t and text(ids[i+1]) starts with a letter}
 * </pre>
 * Reading skip-trigrams among whole words keeps them in words ("keep … in → mind") when a small vocabulary has cut
 * most words into pieces.
 */
final class WholeWords {
    private WholeWords() {}

    /**
     * The candidates, in their order, that are whole words in {@code ids}; {@code text} decodes one id. A candidate the
     * text never shows (count 0) is not kept.
     */
    static int[] of(int[] ids, int[] candidates, int dVocab, IntFunction<String> text) {
        boolean[] continues = new boolean[dVocab];
        for (int t = 0; t < dVocab; t++) {
            String s = text.apply(t);
            continues[t] = !s.isEmpty() && Character.isLetter(s.codePointAt(0));
        }
        long[] count = new long[dVocab], continued = new long[dVocab];
        for (int i = 0; i + 1 < ids.length; i++) {
            count[ids[i]]++;
            if (continues[ids[i + 1]]) continued[ids[i]]++;
        }
        return IntStream.of(candidates).filter(t -> count[t] > 0 && 2 * continued[t] <= count[t]).toArray();
    }
}
