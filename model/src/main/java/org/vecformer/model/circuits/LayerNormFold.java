package org.vecformer.model.circuits;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Block;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.ParamName;
import org.vecformer.model.transformer.ParamName.Param;
import org.vecformer.model.transformer.Weights;

/**
 * Folds the layer norms' weights and biases into the matrices that read their output (TransformerLens
 * {@code fold_ln}). A layer norm with parameters computes {@code LN(x) = n(x)·diag(w) + b} with n the centring
 * and scaling; the matrix W that reads it sees {@code n(x)·(diag(w)·W) + (b·W)}, so
 * <pre>
 *   W_Q' = diag(w₁) W_Q     b_Q' = b_Q + b₁ W_Q      (per head; same for K and V)
 *   W_U' = diag(w_f) W_U    b_U' = b_U + b_f W_U
 * </pre>
 * and the layer norms become parameter-free ({@code "LNPre"}). The folded model computes the same function.
 */
public final class LayerNormFold {
    private LayerNormFold() {}

    /** True when {@link #fold} changes anything: the model has layer norms with parameters ("LN"). */
    public static boolean applies(Config c) {
        return c.normalization() == Normalization.LN;
    }

    /**
     * The equivalent model with every layer-norm weight and bias folded into W_Q, W_K, W_V (and their biases)
     * and W_U (and b_U), normalization "LNPre"; the weights unchanged (the same object) when the model has no
     * "LN". Needs biases in the result when the layer norms had them, so a folded model always has biases then.
     *
     * @throws IllegalArgumentException for a shortformer model with "LN": W_pos joins Q and K after ln1's
     *     weights, so no LNPre model computes the same function
     */
    public static Weights fold(Weights weights) {
        return fold(weights, false);
    }

    /**
     * {@link #fold} without copies: the folded matrices overwrite W_Q, W_K, W_V and W_U, and the result shares every
     * other tensor with {@code weights}, which must not be used afterwards. For importing large models, where a copy
     * of the unembedding alone is d_model × d_vocab floats.
     */
    public static Weights foldInPlace(Weights weights) {
        return fold(weights, true);
    }

    private static Weights fold(Weights weights, boolean inPlace) {
        Config c = weights.config();
        if (!applies(c)) return weights;
        if (!c.positionalEmbedding().addsToResidual()) {
            throw new IllegalArgumentException("cannot fold LN into an equivalent shortformer model: W_pos enters Q and K after ln1's weights");
        }
        Config folded = c.withNormalization(Normalization.LN_PRE);
        Map<String, Tensor> dict = new LinkedHashMap<>();
        dict.put(ParamName.of(Param.W_E).tl(), inPlace ? weights.wE() : weights.wE().copy());
        dict.put(ParamName.of(Param.W_POS).tl(), inPlace ? weights.wPos() : weights.wPos().copy());
        int dm = c.dModel(), dh = c.dHead();
        for (int l = 0; l < c.nLayers(); l++) {
            Block b = weights.blocks().get(l);
            float[] w = b.ln1W().data(), bias = b.ln1B() == null ? null : b.ln1B().data();
            Param[] mats = {Param.W_Q, Param.W_K, Param.W_V}, biases = {Param.B_Q, Param.B_K, Param.B_V};
            Tensor[] ws = {b.wQ(), b.wK(), b.wV()}, bs = {b.bQ(), b.bK(), b.bV()};
            for (int s = 0; s < 3; s++) {
                // foldMatrix reads each element before it writes it, so the output may be its input
                Tensor wOut = inPlace ? ws[s] : Tensor.zeros(c.nHeads(), dm, dh);
                Tensor bOut = inPlace && bs[s] != null ? bs[s] : Tensor.zeros(c.nHeads(), dh);
                for (int h = 0; h < c.nHeads(); h++) {
                    int off = h * dm * dh;
                    foldMatrix(ws[s].data(), off, dm, dh, w, bias, bs[s] == null ? null : bs[s].data(), h * dh,
                            wOut.data(), off, bOut.data(), h * dh);
                }
                dict.put(ParamName.of(mats[s], l).tl(), wOut);
                dict.put(ParamName.of(biases[s], l).tl(), bOut);
            }
            dict.put(ParamName.of(Param.W_O, l).tl(), inPlace ? b.wO() : b.wO().copy());
            if (b.bO() != null) dict.put(ParamName.of(Param.B_O, l).tl(), inPlace ? b.bO() : b.bO().copy());
        }
        int vocab = c.dVocab();
        Tensor wU = inPlace ? weights.wU() : Tensor.zeros(dm, vocab);
        Tensor bU = inPlace && weights.bU() != null ? weights.bU() : Tensor.zeros(vocab);
        foldMatrix(weights.wU().data(), 0, dm, vocab, weights.lnFinalW().data(),
                weights.lnFinalB() == null ? null : weights.lnFinalB().data(),
                weights.bU() == null ? null : weights.bU().data(), 0, wU.data(), 0, bU.data(), 0);
        dict.put(ParamName.of(Param.W_U).tl(), wU);
        dict.put(ParamName.of(Param.B_U).tl(), bU);
        return Weights.fromStateDict(folded.withBiases(true), dict);
    }

    /**
     * W' = diag(w) W and b' = bIn + β W for W [rows, cols] at {@code wIn[off..]} (β = lnB, absent = 0; bIn
     * absent = 0), written to {@code wOut[outOff..]} [rows, cols] and {@code bOut[bOutOff..]} [cols]; the
     * bias sum is accumulated in double.
     */
    static void foldMatrix(float[] wIn, int off, int rows, int cols, float[] lnW, float[] lnB, float[] bIn, int bInOff,
                           float[] wOut, int outOff, float[] bOut, int bOutOff) {
        double[] bias = new double[cols]; // b'[j], summed over i in order, row by row so W is read contiguously
        if (bIn != null) for (int j = 0; j < cols; j++) bias[j] = bIn[bInOff + j];
        if (lnB != null) {
            for (int i = 0; i < rows; i++) {
                double beta = lnB[i];
                for (int j = 0; j < cols; j++) bias[j] += beta * wIn[off + i * cols + j];
            }
        }
        for (int j = 0; j < cols; j++) bOut[bOutOff + j] = (float) bias[j];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) wOut[outOff + i * cols + j] = lnW[i] * wIn[off + i * cols + j];
        }
    }
}
