package org.vecformer.model.transformer;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vecformer.engine.kernel.CrossEntropy;
import org.vecformer.engine.tensor.Tensor;

/**
 * An attention-only transformer (see {@link Forward} for the maths): forward over a batch of token
 * sequences, per-token loss, hooked runs, and KV-cached decoding. The weights are read at every call,
 * so changes made through {@link Weights#stateDict()} take effect at once.
 */
public final class Transformer {
    private final Weights weights;

    public Transformer(Weights weights) {
        this.weights = weights;
    }

    public Config config() {
        return weights.config();
    }

    public Weights weights() {
        return weights;
    }

    /** Logits [batch, T, d_vocab] of a batch of equally long sequences. */
    public Tensor forward(int[][] tokens) {
        return run(tokens, Hooks.none()).logits();
    }

    /** Logits [1, T, d_vocab] of one sequence. */
    public Tensor forward(int[] tokens) {
        return forward(new int[][] {tokens});
    }

    /** Forward with hooks: caches the activations the filter asks for and applies the hook functions. */
    public Run run(int[][] tokens, Hooks hooks) {
        return run(tokens, hooks, LogitRows.ALL);
    }

    /** {@link #run(int[][], Hooks)} unembedding every position, or only each sequence's last (logits [batch, 1, d_vocab]). */
    public Run run(int[][] tokens, Hooks hooks, LogitRows rows) {
        Config c = config();
        Set<String> known = new HashSet<>(HookPoints.names(c));
        for (String name : hooks.fns().keySet()) {
            if (!known.contains(name)) throw new IllegalArgumentException("no hook point named " + name + " in this model");
        }
        int t = checkBatch(tokens);
        int[] flat = new int[tokens.length * t];
        for (int b = 0; b < tokens.length; b++) System.arraycopy(tokens[b], 0, flat, b * t, t);
        Map<String, Tensor> cache = new LinkedHashMap<>();
        boolean last = rows == LogitRows.LAST;
        float[] logits = new Forward(weights).batch(flat, tokens.length, t, hooks, cache, last);
        return new Run(Tensor.of(logits, tokens.length, last ? 1 : t, c.dVocab()), cache);
    }

    /**
     * TransformerLens' {@code run_with_cache(..., stop_at_layer=stop)}: blocks 0..stop-1 only (their hook points cached or
     * hooked as asked), and in {@link Run#logits} the residual stream before block {@code stop} [batch, T, d_model]
     * ({@code stop} = n_layers: after the last block, before ln_final). Nothing after is computed, notably not the
     * unembedding.
     */
    public Run runUntil(int stop, int[][] tokens, Hooks hooks) {
        Config c = config();
        if (stop < 0 || stop > c.nLayers()) throw new IllegalArgumentException("stop layer " + stop + " is outside [0, " + c.nLayers() + "]");
        Set<String> reachable = new HashSet<>(HookPoints.names(c).subList(0, firstHookOf(c, stop)));
        for (String name : hooks.fns().keySet()) {
            if (!reachable.contains(name)) throw new IllegalArgumentException("no hook point named " + name + " before block " + stop);
        }
        int t = checkBatch(tokens);
        int[] flat = new int[tokens.length * t];
        for (int b = 0; b < tokens.length; b++) System.arraycopy(tokens[b], 0, flat, b * t, t);
        Map<String, Tensor> cache = new LinkedHashMap<>();
        float[] resid = new Forward(weights).untilLayer(stop, flat, tokens.length, t, hooks, cache);
        return new Run(Tensor.of(resid, tokens.length, t, c.dModel()), cache);
    }

    /** Which positions a resumed forward unembeds. */
    public enum LogitRows {
        /** Every position: logits [batch, T, d_vocab]. */
        ALL,
        /** Only each sequence's last position: logits [batch, 1, d_vocab] (the work of one row instead of T). */
        LAST
    }

    /**
     * Resumes a forward at block {@code layer} from its {@code blocks.{layer}.hook_resid_pre} {@code residPre}
     * [batch, T, d_model] of whole sequences (T ≤ n_ctx; {@code layer} = n_layers resumes at ln_final from the final
     * residual): runs blocks layer..L-1 and the unembedding, offering only the hook points from
     * {@code blocks.{layer}.hook_resid_pre} on. Equal to {@link #run} when {@code residPre} is what that run reached at
     * the layer, at the cost of L − layer blocks, which is what activation patching saves by starting at the patched
     * layer. {@code residPre} is not changed.
     */
    public Run resume(int layer, Tensor residPre, Hooks hooks, LogitRows rows) {
        Config c = config();
        if (layer < 0 || layer > c.nLayers()) {
            throw new IllegalArgumentException("layer " + layer + " is outside [0, " + c.nLayers() + "]");
        }
        if (residPre.rank() != 3 || residPre.dim(2) != c.dModel() || residPre.dim(1) < 1 || residPre.dim(1) > c.nCtx()) {
            throw new IllegalArgumentException("resid_pre must be [batch, T ≤ n_ctx, d_model = " + c.dModel() + "], not "
                    + Arrays.toString(residPre.shape()));
        }
        Set<String> reachable = new HashSet<>(HookPoints.names(c).subList(firstHookOf(c, layer), HookPoints.names(c).size()));
        for (String name : hooks.fns().keySet()) {
            if (!reachable.contains(name)) {
                throw new IllegalArgumentException("no hook point named " + name + " after block " + layer + ", where the forward resumes");
            }
        }
        int batch = residPre.dim(0), t = residPre.dim(1);
        Map<String, Tensor> cache = new LinkedHashMap<>();
        float[] logits = new Forward(weights).resume(layer, residPre.copy().data(), batch, t, hooks, cache, rows == LogitRows.LAST);
        return new Run(Tensor.of(logits, batch, rows == LogitRows.LAST ? 1 : t, c.dVocab()), cache);
    }

    /** Index in {@link HookPoints#names} of block {@code layer}'s resid_pre (ln_final's first hook, or past the end without normalization, when layer = L). */
    private static int firstHookOf(Config c, int layer) {
        List<String> names = HookPoints.names(c);
        int i = names.indexOf((layer < c.nLayers() ? HookName.of(HookName.Hook.RESID_PRE, layer) : HookName.of(HookName.Hook.LN_FINAL_SCALE)).tl());
        return i >= 0 ? i : names.size();
    }

    /** Per-token loss [batch, T-1]: {@code loss[b][i] = -log softmax(logits[b][i])[tokens[b][i+1]]}. */
    public Tensor loss(int[][] tokens) {
        return loss(forward(tokens), tokens);
    }

    /** Next-token cross-entropy [batch, T-1] of the given logits [batch, T, d_vocab] against {@code tokens}. */
    public static Tensor loss(Tensor logits, int[][] tokens) {
        int batch = logits.dim(0), t = logits.dim(1), vocab = logits.dim(2);
        if (tokens.length != batch) throw new IllegalArgumentException(tokens.length + " sequences for logits of batch " + batch);
        int[] targets = new int[batch * t];
        for (int b = 0; b < batch; b++) {
            if (tokens[b].length != t) throw new IllegalArgumentException("sequence " + b + " has " + tokens[b].length + " tokens, logits have " + t);
            System.arraycopy(tokens[b], 1, targets, b * t, t - 1);
        }
        float[] all = new float[batch * t];
        float[] data = logits.isContiguous() && logits.offset() == 0 ? logits.data() : logits.copy().data();
        CrossEntropy.forwardBackward(data, 0, vocab, batch * t, vocab, targets, 1f, all, null, 0, 0);
        Tensor loss = Tensor.zeros(batch, t - 1);
        for (int b = 0; b < batch; b++) System.arraycopy(all, b * t, loss.data(), b * (t - 1), t - 1);
        return loss;
    }

    /** A KV cache over these weights, for decoding one sequence token by token. */
    public KvCache kvCache() {
        return new KvCache(new Forward(weights));
    }

    /** Checks a batch is rectangular, non-empty, within n_ctx and the vocabulary; returns T. */
    private int checkBatch(int[][] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("empty batch");
        int t = tokens[0].length;
        for (int b = 0; b < tokens.length; b++) {
            if (tokens[b].length != t) {
                throw new IllegalArgumentException("sequence " + b + " has " + tokens[b].length + " tokens but sequence 0 has " + t
                        + " (a batch needs equal lengths)");
            }
            checkTokens(config(), tokens[b], 0);
        }
        return t;
    }

    /** Rejects an empty sequence, one running past n_ctx from position {@code start}, and out-of-vocabulary ids. */
    static void checkTokens(Config c, int[] tokens, int start) {
        if (tokens.length == 0) throw new IllegalArgumentException("empty sequence: give at least one token");
        if (start + tokens.length > c.nCtx()) {
            throw new IllegalArgumentException(start == 0
                    ? "sequence of " + tokens.length + " tokens is longer than the model's context n_ctx = " + c.nCtx()
                    : "context full: " + start + " + " + tokens.length + " tokens exceed n_ctx = " + c.nCtx());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.dVocab()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at position " + (start + i)
                        + " is outside the vocabulary [0, " + c.dVocab() + ")");
            }
        }
    }
}
