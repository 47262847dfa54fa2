package org.vecformer.model.transformer;

import static org.vecformer.model.transformer.ParamName.Param;

import java.util.Map;
import org.vecformer.engine.tensor.Tensor;

/**
 * Parameters of one attention-only block (TransformerLens {@code blocks.{l}}), those of its {@link AttentionSublayer}.
 * Absent parameters are {@code null}: {@code ln1W}/{@code ln1B} without "LN", every bias when {@link Config#biases()} is false.
 * <pre>
 *   ln1W, ln1B     [d_model]
 *   wQ, wK, wV     [n_heads, d_model, d_head]
 *   bQ, bK, bV     [n_heads, d_head]
 *   wO             [n_heads, d_head, d_model]
 *   bO             [d_model]
 * </pre>
 */
public record Block(Tensor ln1W, Tensor ln1B, Tensor wQ, Tensor wK, Tensor wV,
                    Tensor bQ, Tensor bK, Tensor bV, Tensor wO, Tensor bO) {
    private static final Param[] ORDER = {Param.LN1_W, Param.LN1_B, Param.W_Q, Param.W_K, Param.W_V, Param.W_O,
            Param.B_Q, Param.B_K, Param.B_V, Param.B_O};

    /** Block {@code l}'s tensors from a state dict by TransformerLens name (absent ones null). */
    static Block of(Map<String, Tensor> dict, int l) {
        Tensor[] t = new Tensor[ORDER.length];
        for (int i = 0; i < ORDER.length; i++) t[i] = dict.get(ParamName.of(ORDER[i], l).tl());
        return new Block(t[0], t[1], t[2], t[3], t[4], t[6], t[7], t[8], t[5], t[9]);
    }

    /** Puts the tensors that exist into {@code dict} under their names as block {@code l}'s. */
    void putInto(Map<String, Tensor> dict, int l) {
        Tensor[] t = {ln1W, ln1B, wQ, wK, wV, wO, bQ, bK, bV, bO};
        for (int i = 0; i < ORDER.length; i++) {
            if (t[i] != null) dict.put(ParamName.of(ORDER[i], l).tl(), t[i]);
        }
    }
}
