package org.vecformer.cli.command;

import java.util.ArrayList;
import java.util.List;
import org.vecformer.cli.UsageException;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;

/** Turns {@code --tokens} / {@code --prompt} into token ids, rejecting bad input as usage errors, and shows tokens. */
public final class Prompts {
    private Prompts() {}

    /**
     * Ids from exactly one of {@code tokens} (raw ids, "3 1 4", used as given) and {@code prompt} (text in the
     * model's tokenizer, with the tokenizer's BOS in front unless {@code noBos}, as TransformerLens'
     * {@code prepend_bos} does).
     */
    public static int[] encode(ModelFile model, String tokens, String prompt, boolean noBos) {
        if ((tokens == null) == (prompt == null)) throw new UsageException("give either --tokens IDS or --prompt TEXT");
        Tokenizer tokenizer = tokens != null ? new IdTokenizer(model.config().dVocab()) : model.tokenizer();
        int[] ids;
        try {
            ids = tokenizer.encode(tokens != null ? tokens : prompt);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (prompt != null && !noBos && tokenizer.bos().isPresent()) ids = withBos(tokenizer.bos().getAsInt(), ids);
        if (ids.length == 0) throw new UsageException("the prompt is empty: give at least one token");
        int nCtx = model.config().nCtx();
        if (ids.length > nCtx) {
            throw new UsageException("the prompt has " + ids.length + " tokens but the model's context is n_ctx = " + nCtx);
        }
        for (int id : ids) {
            if (id >= model.config().dVocab()) {
                throw new UsageException("the tokenizer gave id " + id + ", outside the model's d_vocab " + model.config().dVocab());
            }
        }
        return ids;
    }

    private static int[] withBos(int bos, int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /**
     * A token as shown in tables: its id for models without a tokenizer, else its text in single quotes with
     * newline, tab, carriage return as {@code \n \t \r} and other control characters as {@code \xNN}; a BPE
     * byte that is not a whole character shows as {@code \xNN} too ({@link Tokenizer#piece}); an id past the
     * tokenizer's vocabulary (a padded d_vocab) as {@code #id}.
     */
    public static String show(ModelFile model, int id) {
        return show(model.tokenizer(), id);
    }

    /** {@link #show(ModelFile, int)} for a tokenizer on its own. */
    public static String show(Tokenizer t, int id) {
        if (t instanceof IdTokenizer) return Integer.toString(id);
        String piece;
        try {
            piece = t.piece(id);
        } catch (IllegalArgumentException e) {
            return "#" + id;
        }
        StringBuilder sb = new StringBuilder("'");
        piece.codePoints().forEach(cp -> sb.append(switch (cp) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            default -> Character.isISOControl(cp) ? String.format(cp < 0x100 ? "\\x%02X" : "\\u%04X", cp) : Character.toString(cp);
        }));
        return sb.append('\'').toString();
    }

    /** {@link #show} of every id. */
    public static List<String> showAll(ModelFile model, int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(show(model, id));
        return out;
    }
}
