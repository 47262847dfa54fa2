package org.vecformer.model.tokenize;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads the parts of an HF {@code tokenizer.json} that {@link BpeTokenizer} supports, refusing every other
 * component with one line that names it (the file's own {@code type} string).
 */
final class BpeJson {
    private BpeJson() {}

    static BpeTokenizer read(String json, Map<String, Object> root) {
        boolean nfc = normalizer(root.get("normalizer"));
        Map<String, Object> pre = preTokenizer(root.get("pre_tokenizer"));
        boolean addPrefixSpace = bool(pre, "add_prefix_space", false, "pre_tokenizer ByteLevel");
        boolean useRegex = bool(pre, "use_regex", true, "pre_tokenizer ByteLevel");
        boolean byteLevelDecoder = decoder(root.get("decoder"));

        Map<String, Object> model = object(root.get("model"), "model");
        Object type = model.get("type");
        if (type != null && !"BPE".equals(type)) {
            throw new IllegalArgumentException("tokenizer model " + type + " is not supported (only byte-level BPE)");
        }
        if (model.get("dropout") != null) throw new IllegalArgumentException("BPE dropout " + model.get("dropout") + " is not supported (only null)");
        if (bool(model, "byte_fallback", false, "model")) throw new IllegalArgumentException("BPE byte_fallback true is not supported (only false)");
        for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            Object v = model.get(key);
            if (v != null && !"".equals(v)) throw new IllegalArgumentException("BPE " + key + " \"" + v + "\" is not supported (only null)");
        }
        Map<String, Integer> vocab = vocab(model.get("vocab"));
        List<AddedTokens.Added> added = added(root.get("added_tokens"), nfc);

        int size = 0;
        for (int id : vocab.values()) size = Math.max(size, id + 1);
        for (AddedTokens.Added a : added) size = Math.max(size, a.id() + 1);
        String[] tokens = new String[size];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) tokens[e.getValue()] = e.getKey();
        for (AddedTokens.Added a : added) tokens[a.id()] = a.content();

        MergeTable merges = merges(model.get("merges"), vocab);
        int unk = -1;
        if (model.get("unk_token") != null) {
            Integer id = model.get("unk_token") instanceof String s ? vocab.get(s) : null;
            if (id == null) throw new IllegalArgumentException("BPE unk_token " + model.get("unk_token") + " is not in the vocab");
            unk = id;
        }
        BpeModel bpe = new BpeModel(vocab, merges, unk, bool(model, "fuse_unk", false, "model"),
                bool(model, "ignore_merges", false, "model"));
        OptionalInt bos = bos(root.get("post_processor"), added);
        return new BpeTokenizer(json, nfc, addPrefixSpace, useRegex, byteLevelDecoder, added, bpe, tokens, bos);
    }

    /** True for NFC, false for none; a Sequence may hold NFCs only (NFC twice is NFC; an empty one is none). */
    private static boolean normalizer(Object n) {
        if (n == null) return false;
        Map<String, Object> m = object(n, "normalizer");
        Object type = m.get("type");
        if ("NFC".equals(type)) return true;
        if ("Sequence".equals(type)) {
            boolean any = false;
            for (Object inner : list(m.get("normalizers"), "normalizer Sequence normalizers")) any |= normalizer(inner);
            return any;
        }
        throw new IllegalArgumentException("normalizer " + type + " is not supported (only NFC or none)");
    }

    private static Map<String, Object> preTokenizer(Object p) {
        if (p == null) throw new IllegalArgumentException("tokenizer.json has no pre_tokenizer (a byte-level BPE needs ByteLevel)");
        Map<String, Object> m = object(p, "pre_tokenizer");
        Object type = m.get("type");
        if ("ByteLevel".equals(type)) return m;
        if ("Sequence".equals(type)) {
            List<Object> inner = list(m.get("pretokenizers"), "pre_tokenizer Sequence pretokenizers");
            if (inner.size() != 1) {
                throw new IllegalArgumentException("pre_tokenizer Sequence of " + inner.size() + " is not supported (only one ByteLevel)");
            }
            return preTokenizer(inner.get(0));
        }
        throw new IllegalArgumentException("pre_tokenizer " + type + " is not supported (only ByteLevel)");
    }

    /** True for ByteLevel, false for none. */
    private static boolean decoder(Object d) {
        if (d == null) return false;
        Object type = object(d, "decoder").get("type");
        if ("ByteLevel".equals(type)) return true;
        throw new IllegalArgumentException("decoder " + type + " is not supported (only ByteLevel or none)");
    }

    private static Map<String, Integer> vocab(Object v) {
        Map<String, Object> m = object(v, "model vocab");
        Map<String, Integer> vocab = new HashMap<>(m.size() * 2);
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!(e.getValue() instanceof Integer id) || id < 0) {
                throw new IllegalArgumentException("vocab id of \"" + e.getKey() + "\" is " + e.getValue() + ", not a non-negative integer");
            }
            vocab.put(e.getKey(), id);
        }
        return vocab;
    }

    /** Merges in either form; rank = index. The parts and the merged token must all be in the vocab. */
    private static MergeTable merges(Object ms, Map<String, Integer> vocab) {
        List<Object> list = list(ms, "model merges");
        MergeTable table = new MergeTable(list.size());
        for (int rank = 0; rank < list.size(); rank++) {
            Object m = list.get(rank);
            String left, right;
            if (m instanceof String s) {
                String[] parts = s.split(" ", -1);
                if (parts.length != 2) throw new IllegalArgumentException("merge " + rank + " \"" + s + "\" is not two tokens separated by one space");
                left = parts[0];
                right = parts[1];
            } else if (m instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String a && pair.get(1) instanceof String b) {
                left = a;
                right = b;
            } else {
                throw new IllegalArgumentException("merge " + rank + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
            Integer l = vocab.get(left), r = vocab.get(right), merged = vocab.get(left + right);
            if (l == null || r == null || merged == null) {
                String missing = l == null ? left : r == null ? right : left + right;
                throw new IllegalArgumentException("merge " + rank + " (" + left + " " + right + ") uses \"" + missing + "\", which is not in the vocab");
            }
            table.put(l, r, rank, merged);
        }
        return table;
    }

    /**
     * The added tokens; one with {@code normalized: true} is matched, and shown, in its normalized form (HF
     * normalizes its content too: "nai\u0308f" matches "naïf", and its token string is "naïf").
     */
    private static List<AddedTokens.Added> added(Object a, boolean nfc) {
        if (a == null) return List.of();
        List<AddedTokens.Added> out = new ArrayList<>();
        for (Object o : list(a, "added_tokens")) {
            Map<String, Object> m = object(o, "added token");
            if (!(m.get("content") instanceof String content) || content.isEmpty()) {
                throw new IllegalArgumentException("added token " + m + " has no content");
            }
            if (!(m.get("id") instanceof Integer id) || id < 0) {
                throw new IllegalArgumentException("added token \"" + content + "\" has id " + m.get("id") + ", not a non-negative integer");
            }
            for (String flag : List.of("lstrip", "rstrip", "single_word")) {
                if (bool(m, flag, false, "added token \"" + content + "\"")) {
                    throw new IllegalArgumentException("added token \"" + content + "\" has " + flag + " true, which is not supported");
                }
            }
            boolean special = bool(m, "special", false, "added token \"" + content + "\"");
            boolean normalized = bool(m, "normalized", !special, "added token \"" + content + "\"");
            String matched = normalized && nfc ? Normalizer.normalize(content, Normalizer.Form.NFC) : content;
            out.add(new AddedTokens.Added(matched, id, special, normalized));
        }
        return out;
    }

    /** See {@link BpeTokenizer#bos()}. Checks the post-processor's type on the way. */
    private static OptionalInt bos(Object p, List<AddedTokens.Added> added) {
        OptionalInt fromTemplate = p == null ? OptionalInt.empty() : templateBos(object(p, "post_processor"));
        if (fromTemplate.isPresent()) return fromTemplate;
        for (String name : BpeTokenizer.BOS_NAMES) {
            for (AddedTokens.Added a : added) {
                if (a.special() && a.content().equals(name)) return OptionalInt.of(a.id());
            }
        }
        return OptionalInt.empty();
    }

    private static OptionalInt templateBos(Map<String, Object> p) {
        String type = p.get("type") instanceof String s ? s : String.valueOf(p.get("type"));
        switch (type) {
            case "ByteLevel" -> {
                return OptionalInt.empty();
            }
            case "Sequence" -> {
                for (Object inner : list(p.get("processors"), "post_processor Sequence processors")) {
                    OptionalInt b = templateBos(object(inner, "post_processor"));
                    if (b.isPresent()) return b;
                }
                return OptionalInt.empty();
            }
            case "TemplateProcessing" -> {
                List<Object> single = list(p.get("single"), "TemplateProcessing single");
                if (single.isEmpty() || !(single.get(0) instanceof Map<?, ?> first) || !(first.get("SpecialToken") instanceof Map<?, ?> st)) {
                    return OptionalInt.empty();
                }
                Object specials = p.get("special_tokens");
                if (specials instanceof Map<?, ?> sm && sm.get(st.get("id")) instanceof Map<?, ?> entry
                        && entry.get("ids") instanceof List<?> ids && ids.size() == 1 && ids.get(0) instanceof Integer id) {
                    return OptionalInt.of(id);
                }
                throw new IllegalArgumentException("TemplateProcessing special token " + st.get("id") + " has no single id in special_tokens");
            }
            default -> throw new IllegalArgumentException("post_processor " + type
                    + " is not supported (only TemplateProcessing, ByteLevel, a Sequence of them, or none)");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException("tokenizer.json " + what + " is not a JSON object");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw new IllegalArgumentException("tokenizer.json " + what + " is not a JSON list");
    }

    private static boolean bool(Map<String, Object> m, String key, boolean absent, String what) {
        Object v = m.get(key);
        if (v == null) return absent;
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException(what + " " + key + " is " + v + ", not true or false");
    }
}
