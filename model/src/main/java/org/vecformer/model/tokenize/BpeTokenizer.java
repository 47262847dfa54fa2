package org.vecformer.model.tokenize;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A Hugging Face byte-level BPE tokenizer read from its {@code tokenizer.json} (the layout of GPT-2, GPT-NeoX
 * and the TransformerLens attn-only models' {@code NeelNanda/gpt-neox-tokenizer-digits}), giving the ids of
 * HF's {@code tokenizers} library with {@code add_special_tokens=False}.
 *
 * <p>{@link #encode} does what HF does, in order: added tokens with {@code normalized: false} are cut out
 * of the raw text; each remaining piece is normalized (NFC, or not at all) and the added tokens with
 * {@code normalized: true} are cut out of it; each remaining piece gets a leading space if
 * {@code add_prefix_space} and it does not start with one, is split by the GPT-2 pattern ({@link Gpt2Split},
 * when {@code use_regex}), written in the byte-level alphabet ({@link ByteLevel}) and merged by the BPE model
 * ({@link BpeModel}). An added token's id is its own.
 *
 * <p>Accepted components (anything else is refused, naming it): normalizer none, {@code NFC}, or a
 * {@code Sequence} of only those; pre-tokenizer {@code ByteLevel} or a {@code Sequence} holding exactly one
 * {@code ByteLevel}; model {@code BPE} with merges as {@code "a b"} strings or {@code ["a","b"]} pairs
 * (rank = index in the list), optional {@code unk_token}/{@code fuse_unk}/{@code ignore_merges}, and
 * {@code dropout}, {@code byte_fallback}, {@code continuing_subword_prefix}, {@code end_of_word_suffix} at
 * their defaults; decoder {@code ByteLevel} or none (tokens joined by spaces, as HF does); post-processor
 * none, {@code ByteLevel}, {@code TemplateProcessing} or a {@code Sequence} of those — never applied, specials
 * are the caller's business (see {@link #bos()}); added tokens with {@code lstrip}, {@code rstrip},
 * {@code single_word} false. {@code truncation} and {@code padding} are ignored: a text is always encoded
 * whole.
 */
public final class BpeTokenizer implements Tokenizer {
    /** Added specials taken as BOS, in this order, when no template names one (see {@link #bos()}). */
    static final List<String> BOS_NAMES = List.of("<|BOS|>", "<s>", "<bos>", "<|begin_of_text|>", "<|endoftext|>");

    private final String json;
    private final boolean nfc;
    private final boolean addPrefixSpace;
    private final boolean useRegex;
    private final boolean byteLevelDecoder;
    private final AddedTokens raw;
    private final AddedTokens normalized;
    private final List<AddedTokens.Added> added;
    private final BpeModel model;
    /** tokens[id] = the token's string (byte-level alphabet for model tokens), null for an unused id. */
    private final String[] tokens;
    private final OptionalInt bos;

    /** Built by {@link BpeJson#read} from a checked file. */
    BpeTokenizer(String json, boolean nfc, boolean addPrefixSpace, boolean useRegex, boolean byteLevelDecoder,
                 List<AddedTokens.Added> added, BpeModel model, String[] tokens, OptionalInt bos) {
        this.json = json;
        this.nfc = nfc;
        this.addPrefixSpace = addPrefixSpace;
        this.useRegex = useRegex;
        this.byteLevelDecoder = byteLevelDecoder;
        this.added = List.copyOf(added);
        this.raw = new AddedTokens(added.stream().filter(a -> !a.normalized()).toList());
        this.normalized = new AddedTokens(added.stream().filter(AddedTokens.Added::normalized).toList());
        this.model = model;
        this.tokens = tokens;
        this.bos = bos;
    }

    /**
     * Reads an HF {@code tokenizer.json}.
     *
     * @throws IllegalArgumentException one line naming what the file has that is not supported or not valid
     */
    public static BpeTokenizer fromJson(String tokenizerJson) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        Map<String, Object> root;
        try {
            root = JSON.std.mapFrom(tokenizerJson);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("tokenizer.json is not a JSON object");
        }
        if (root == null) throw new IllegalArgumentException("tokenizer.json is not a JSON object");
        return BpeJson.read(tokenizerJson, root);
    }

    /** The HF JSON this tokenizer was read from, unchanged (what a model file stores). */
    public String toJson() {
        return json;
    }

    /** One more than the largest id of the vocabulary and the added tokens. */
    @Override
    public int vocabSize() {
        return tokens.length;
    }

    /**
     * The beginning-of-sequence id: the special token that the post-processor's {@code TemplateProcessing}
     * puts before a single sequence ({@code "single": ["<|BOS|>", "$A"]}), else the first added special
     * token among {@code <|BOS|>}, {@code <s>}, {@code <bos>}, {@code <|begin_of_text|>},
     * {@code <|endoftext|>} (GPT-2 and GPT-NeoX use {@code <|endoftext|>} as BOS), else none.
     */
    @Override
    public OptionalInt bos() {
        return bos;
    }

    /** The added tokens, special and not, in file order. */
    public List<String> addedTokens() {
        return added.stream().map(AddedTokens.Added::content).toList();
    }

    /** The special added tokens, in file order. */
    public List<String> specialTokens() {
        return added.stream().filter(AddedTokens.Added::special).map(AddedTokens.Added::content).toList();
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        List<AddedTokens.Piece> outer = new ArrayList<>();
        raw.split(text, outer);
        List<AddedTokens.Piece> inner = new ArrayList<>();
        for (AddedTokens.Piece p : outer) {
            if (p.id() >= 0) {
                out.add(p.id());
                continue;
            }
            inner.clear();
            normalized.split(normalize(p.text()), inner);
            for (AddedTokens.Piece q : inner) {
                if (q.id() >= 0) out.add(q.id());
                else preTokenize(q.text(), out);
            }
        }
        return out.toArray();
    }

    private String normalize(String s) {
        if (!nfc) return s;
        for (int i = 0; i < s.length(); i++) {
            // Every character below U+0300 (where combining marks start) is NFC and stays so next to others.
            if (s.charAt(i) >= 0x300) return Normalizer.normalize(s, Normalizer.Form.NFC);
        }
        return s;
    }

    private void preTokenize(String s, IntList out) {
        String text = addPrefixSpace && !s.startsWith(" ") ? " " + s : s;
        if (useRegex) Gpt2Split.split(text, piece -> out.addAll(model.tokenize(piece)));
        else out.addAll(model.tokenize(text));
    }

    /** True when {@code id} names a token (models may pad d_vocab with ids the tokenizer never gives). */
    public boolean contains(int id) {
        return id >= 0 && id < tokens.length && tokens[id] != null;
    }

    /** The token string of {@code id} as HF shows it ({@code "Ġthe"} for " the"). */
    public String token(int id) {
        check(id);
        return tokens[id];
    }

    /** The text of {@code id} on its own: its bytes read as UTF-8, invalid bytes as U+FFFD. */
    @Override
    public String decode(int id) {
        return decode(new int[] {id});
    }

    /** HF's {@code decode(ids, skip_special_tokens=False)}: the ByteLevel decoder over the ids' tokens. */
    @Override
    public String decode(int[] ids) {
        List<String> ts = new ArrayList<>(ids.length);
        for (int id : ids) ts.add(token(id));
        return byteLevelDecoder ? ByteLevel.decode(ts) : String.join(" ", ts);
    }

    /**
     * The text of {@code id} for people: an added token's content as written in the file (HF's decoder would
     * read "Café" as bytes and give "Caf\uFFFD"), a model token's bytes as UTF-8 with bytes that are not whole
     * characters as {@code \xNN}.
     */
    @Override
    public String piece(int id) {
        String token = token(id);
        if (!byteLevelDecoder) return token;
        for (AddedTokens.Added a : added) {
            if (a.id() == id) return a.content();
        }
        return ByteLevel.display(ByteLevel.bytes(List.of(token)));
    }

    private void check(int id) {
        if (!contains(id)) {
            throw new IllegalArgumentException("token id " + id + " is not in the tokenizer's vocabulary of " + tokens.length);
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        void addAll(int[] vs) {
            if (n + vs.length > a.length) a = Arrays.copyOf(a, Math.max(n * 2, n + vs.length));
            System.arraycopy(vs, 0, a, n, vs.length);
            n += vs.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
