package org.vecformer.model.transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vecformer.engine.tensor.Tensor;

/**
 * All parameters of an attention-only transformer, with TransformerLens names and shapes:
 * <pre>
 *   embed.W_E            [d_vocab, d_model]
 *   pos_embed.W_pos      [n_ctx, d_model]
 *   blocks.{l}.…         see {@link Block}
 *   ln_final.w, .b       [d_model]          ("LN" only)
 *   unembed.W_U          [d_model, d_vocab]
 *   unembed.b_U          [d_vocab]
 * </pre>
 * Absent parameters are {@code null}. Every tensor is contiguous; the {@link #stateDict() state dict}
 * shares their arrays, so writing through it (training) changes the model.
 */
public record Weights(Config config, Tensor wE, Tensor wPos, List<Block> blocks,
                      Tensor lnFinalW, Tensor lnFinalB, Tensor wU, Tensor bU) {
    /** GPT-2's initial standard deviation of the weight matrices. */
    public static final double DEFAULT_INIT_STD = 0.02;

    private static final ParamName W_E = ParamName.of(ParamName.Param.W_E), W_POS = ParamName.of(ParamName.Param.W_POS),
            LN_FINAL_W = ParamName.of(ParamName.Param.LN_FINAL_W), LN_FINAL_B = ParamName.of(ParamName.Param.LN_FINAL_B),
            W_U = ParamName.of(ParamName.Param.W_U), B_U = ParamName.of(ParamName.Param.B_U);

    public Weights {
        blocks = List.copyOf(blocks);
    }

    /**
     * Names and shapes of every parameter a model of this config has, in state-dict order: those of the pieces of its
     * {@link Architecture} (embeddings, each block's sublayers, unembedding).
     */
    public static Map<String, int[]> shapes(Config c) {
        Map<String, int[]> s = new LinkedHashMap<>();
        Architecture.of(c).params(c).forEach((name, shape) -> s.put(name.tl(), shape));
        return s;
    }

    /** True for the names of additive biases (which may be absent from a file and then are zero). */
    public static boolean isBias(String name) {
        return ParamName.isBias(name);
    }

    /**
     * GPT-2-style initialisation, seeded: every weight matrix ({@code W_*}) drawn from N(0, std²),
     * biases zero, layer-norm weights one.
     */
    public static Weights init(Config c, long seed, double std) {
        if (!(std >= 0) || Double.isInfinite(std)) throw new IllegalArgumentException("init std must be >= 0, not " + std);
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> dict = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : shapes(c).entrySet()) {
            Tensor t = Tensor.zeros(e.getValue());
            ParamName.Param kind = ParamName.parse(e.getKey()).orElseThrow().param();
            float[] d = t.data();
            if (kind.isMatrix()) {
                for (int i = 0; i < d.length; i++) d[i] = (float) (std * rnd.nextGaussian());
            } else if (kind.isNormGain()) {
                Arrays.fill(d, 1f);
            }
            dict.put(e.getKey(), t);
        }
        return build(c, dict, false);
    }

    /** {@link #init(Config, long, double)} with std 0.02. */
    public static Weights init(Config c, long seed) {
        return init(c, seed, DEFAULT_INIT_STD);
    }

    /**
     * Builds the weights from a state dict, checking it against the config: every parameter present
     * with its exact shape (biases may be absent and are then zero), TransformerLens buffers
     * {@code blocks.{l}.attn.mask|IGNORE} ignored, anything else an error, and every value finite (a NaN or
     * infinite weight would only show up later as NaN probabilities). Tensors are used as given (not copied) when
     * contiguous from the start of their array.
     *
     * @throws IllegalArgumentException naming the first offending tensor (and for a non-finite value its index)
     */
    public static Weights fromStateDict(Config c, Map<String, Tensor> dict) {
        return build(c, dict, true);
    }

    private static Weights build(Config c, Map<String, Tensor> dict, boolean checkFinite) {
        checkNames(c, dict.keySet());
        Map<String, int[]> shapes = shapes(c);
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            String name = e.getKey();
            Tensor t = dict.get(name);
            if (t == null) {
                if (!isBias(name)) throw new IllegalArgumentException("missing tensor " + name + " " + Arrays.toString(e.getValue()));
                t = Tensor.zeros(e.getValue());
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + " but the config needs " + Arrays.toString(e.getValue()));
            } else if (!t.isContiguous() || t.offset() != 0) {
                t = t.copy();
            }
            if (checkFinite) checkFinite(name, t);
            p.put(name, t);
        }
        List<Block> blocks = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) blocks.add(Block.of(p, l));
        return new Weights(c, p.get(W_E.tl()), p.get(W_POS.tl()), blocks,
                p.get(LN_FINAL_W.tl()), p.get(LN_FINAL_B.tl()), p.get(W_U.tl()), p.get(B_U.tl()));
    }

    /**
     * Rejects a tensor holding NaN or ±Infinity: "tensor blocks.0.attn.W_Q holds NaN at [3, 1, 7] (and 4 more
     * non-finite values)", the index of the first such value in row-major order.
     */
    static void checkFinite(String name, Tensor t) {
        float[] d = t.data();
        int first = -1;
        long count = 0;
        for (int i = 0, n = t.size(); i < n; i++) {
            if (!Float.isFinite(d[i])) {
                if (first < 0) first = i;
                count++;
            }
        }
        if (first < 0) return;
        int[] shape = t.shape(), index = new int[shape.length];
        for (int k = shape.length - 1, rest = first; k >= 0; k--) {
            index[k] = rest % shape[k];
            rest /= shape[k];
        }
        throw new IllegalArgumentException("tensor " + name + " holds " + d[first] + " at " + Arrays.toString(index)
                + (count > 1 ? " (and " + (count - 1) + " more non-finite values)" : ""));
    }

    /**
     * Rejects a name that is neither a parameter of this config nor a TransformerLens buffer
     * ({@code blocks.{l}.attn.mask|IGNORE}, ignored).
     *
     * @throws IllegalArgumentException naming the first unexpected tensor
     */
    public static void checkNames(Config c, Collection<String> names) {
        Map<String, int[]> shapes = shapes(c);
        for (String name : names) {
            if (shapes.containsKey(name) || ParamName.isBuffer(name)) continue;
            String why = !c.biases() && isBias(name) && shapes(c.withBiases(true)).containsKey(name)
                    ? " (the config says biases: false)" : " (not a parameter of this config)";
            throw new IllegalArgumentException("unexpected tensor " + name + why);
        }
    }

    /** The parameters by TransformerLens name, in {@link #shapes(Config)} order; the tensors are shared, not copied. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> d = new LinkedHashMap<>();
        put(d, W_E, wE);
        put(d, W_POS, wPos);
        for (int l = 0; l < blocks.size(); l++) blocks.get(l).putInto(d, l);
        put(d, LN_FINAL_W, lnFinalW);
        put(d, LN_FINAL_B, lnFinalB);
        put(d, W_U, wU);
        put(d, B_U, bU);
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : shapes(config).keySet()) ordered.put(name, d.get(name));
        return Collections.unmodifiableMap(ordered);
    }

    private static void put(Map<String, Tensor> d, ParamName name, Tensor t) {
        if (t != null) d.put(name.tl(), t);
    }

    /** Number of parameters (elements of every tensor in the state dict). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : stateDict().values()) n += t.size();
        return n;
    }

    /** A deep copy (new arrays). */
    public Weights copy() {
        Map<String, Tensor> d = new LinkedHashMap<>();
        stateDict().forEach((k, v) -> d.put(k, v.copy()));
        return build(config, d, false);
    }
}
