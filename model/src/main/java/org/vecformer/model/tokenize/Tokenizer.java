package org.vecformer.model.tokenize;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Map;
import java.util.OptionalInt;

/** Turns text into token ids and back. */
public sealed interface Tokenizer permits IdTokenizer, CharTokenizer, BpeTokenizer {
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

    /**
     * One token as a person reads it, unquoted: its text for characters and BPE tokens (a BPE token holding
     * part of a character shows those bytes as {@code \xNN}), the number for raw ids.
     */
    String piece(int id);

    /**
     * The id that starts a sequence, which models trained with one (TransformerLens' {@code prepend_bos})
     * expect in front of a prompt; empty when the tokenizer has none (raw ids, characters).
     */
    default OptionalInt bos() {
        return OptionalInt.empty();
    }

    /**
     * A stored tokenizer: {@code {"type":"char",…}} ({@link CharTokenizer#toJson()}) or a Hugging Face
     * {@code tokenizer.json} ({@link BpeTokenizer#fromJson}, recognised by its {@code "model"} object).
     *
     * @throws IllegalArgumentException one line naming what is wrong or unsupported
     */
    static Tokenizer fromJson(String json) {
        Map<String, Object> root;
        try {
            root = JSON.std.mapFrom(json);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("tokenizer is not a JSON object");
        }
        if (root == null) throw new IllegalArgumentException("tokenizer is not a JSON object");
        if ("char".equals(root.get("type"))) return CharTokenizer.fromMap(root);
        if (root.get("model") instanceof Map<?, ?>) return BpeJson.read(json, root);
        throw new IllegalArgumentException("tokenizer is neither {\"type\":\"char\",…} nor a Hugging Face tokenizer.json (type "
                + root.get("type") + ", no \"model\")");
    }
}
