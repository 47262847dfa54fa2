package org.vecformer.model.tokenize;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained byte-level BPE: {@code tokens.get(id)} is the text of token id (the {@code specials} first, at ids
 * 0..k-1, then the 256 byte characters, then the merged tokens), and the merges in rank order as (left,
 * right) token texts.
 * {@link #toJson()} is a Hugging Face {@code tokenizer.json} that HF's {@code tokenizers} and
 * {@link BpeTokenizer} both load: normalizer NFC, ByteLevel pre-tokenizer (no prefix space, GPT-2 split) and
 * decoder, BPE model with every token in its vocab, the specials as added tokens with {@code special: true},
 * and, when a special is a BOS (the first of {@link BpeTokenizer#BOS_NAMES} present), a post-processor
 * template that puts it in front of a sequence, as the model's training data has it.
 */
public record TrainedBpe(List<String> specials, List<String> tokens, List<Merge> merges) {
    /** One merge: the texts of the left and right tokens (byte-level alphabet). */
    public record Merge(String left, String right) {}

    public TrainedBpe {
        specials = List.copyOf(specials);
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
    }

    /**
     * From a training run's tokens (the first {@code specials} of them special) and its merges in order as
     * packed (left, right) token ids; a pair merged twice keeps only its last position (HF's model keeps a
     * pair's last rank).
     */
    static TrainedBpe of(int specials, List<String> tokens, List<Long> packed) {
        HashMap<Long, Integer> last = new HashMap<>();
        for (int i = 0; i < packed.size(); i++) last.put(packed.get(i), i);
        List<Merge> merges = new ArrayList<>(packed.size());
        for (int i = 0; i < packed.size(); i++) {
            long p = packed.get(i);
            if (last.get(p) != i) continue;
            merges.add(new Merge(tokens.get(PairIndex.left(p)), tokens.get(PairIndex.right(p))));
        }
        return new TrainedBpe(tokens.subList(0, specials), tokens, merges);
    }

    /** Number of ids, specials included. */
    public int vocabSize() {
        return tokens.size();
    }

    /** The {@code tokenizer.json} text (see the class comment). */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        List<Object> added = new ArrayList<>();
        for (int id = 0; id < specials.size(); id++) {
            added.add(object("id", id, "content", specials.get(id), "single_word", false, "lstrip", false,
                    "rstrip", false, "normalized", false, "special", true));
        }
        root.put("added_tokens", added);
        root.put("normalizer", object("type", "NFC"));
        root.put("pre_tokenizer", byteLevel());
        root.put("post_processor", bosTemplate());
        root.put("decoder", byteLevel());
        Map<String, Object> model = object("type", "BPE", "dropout", null, "unk_token", null,
                "continuing_subword_prefix", null, "end_of_word_suffix", null, "fuse_unk", false,
                "byte_fallback", false, "ignore_merges", false);
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int id = 0; id < tokens.size(); id++) vocab.put(tokens.get(id), id);
        model.put("vocab", vocab);
        model.put("merges", merges.stream().map(m -> List.of(m.left(), m.right())).toList());
        root.put("model", model);
        try {
            return JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(root);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed: " + e.getMessage(), e);
        }
    }

    /** The trained tokenizer, read back from {@link #toJson()}. */
    public BpeTokenizer tokenizer() {
        return BpeTokenizer.fromJson(toJson());
    }

    private static Map<String, Object> byteLevel() {
        return object("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true);
    }

    /** TemplateProcessing "BOS $A" (and "BOS $A BOS $B" for pairs), or null without a BOS special. */
    private Map<String, Object> bosTemplate() {
        String bos = BpeTokenizer.BOS_NAMES.stream().filter(specials::contains).findFirst().orElse(null);
        if (bos == null) return null;
        Map<String, Object> special = object("SpecialToken", object("id", bos, "type_id", 0));
        Map<String, Object> a = object("Sequence", object("id", "A", "type_id", 0));
        Map<String, Object> b = object("Sequence", object("id", "B", "type_id", 0));
        return object("type", "TemplateProcessing", "single", List.of(special, a), "pair", List.of(special, a, special, b),
                "special_tokens", object(bos, object("id", bos, "ids", List.of(specials.indexOf(bos)), "tokens", List.of(bos))));
    }

    /** A JSON object with the keys in the order given (HF's own order), null values kept. */
    private static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
