package org.vecformer.cli.command;

import org.vecformer.cli.UsageException;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;

/** Turns {@code --tokens} / {@code --prompt} into token ids, rejecting bad input as usage errors. */
final class Prompts {
    private Prompts() {}

    /** Ids from exactly one of {@code tokens} (raw ids, "3 1 4") and {@code prompt} (text in the model's tokenizer). */
    static int[] encode(ModelFile model, String tokens, String prompt) {
        if ((tokens == null) == (prompt == null)) throw new UsageException("give either --tokens IDS or --prompt TEXT");
        Tokenizer tokenizer = tokens != null ? new IdTokenizer(model.config().dVocab()) : model.tokenizer();
        int[] ids;
        try {
            ids = tokenizer.encode(tokens != null ? tokens : prompt);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (ids.length == 0) throw new UsageException("the prompt is empty: give at least one token");
        int nCtx = model.config().nCtx();
        if (ids.length > nCtx) {
            throw new UsageException("the prompt has " + ids.length + " tokens but the model's context is n_ctx = " + nCtx);
        }
        return ids;
    }

    /** A token as shown in tables: its text quoted (escaped) for character models, its id otherwise. */
    static String show(ModelFile model, int id) {
        if (model.chars().isEmpty()) return Integer.toString(id);
        String s = model.chars().get().decode(id);
        return switch (s) {
            case "\n" -> "'\\n'";
            case "\t" -> "'\\t'";
            case "\r" -> "'\\r'";
            default -> Character.isISOControl(s.codePointAt(0)) ? String.format("U+%04X", s.codePointAt(0)) : "'" + s + "'";
        };
    }
}
