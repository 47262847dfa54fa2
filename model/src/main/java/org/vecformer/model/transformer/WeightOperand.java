package org.vecformer.model.transformer;

import org.vecformer.engine.kernel.OperandB;
import org.vecformer.engine.kernel.Transpose;

/**
 * A weight matrix as the B operand of the GEMMs that multiply rows by it, {@code y = x·op(W)}: read in place, or, for a
 * {@link Forward} whose weights serve many such products between two updates (the shards of one training step each
 * multiply their own rows by the same W_Q|K|V, W_O and W_U, forward and transposed in the backward), packed once on
 * first use into the micro-panels the GEMM would otherwise pack on every product ({@link OperandB#packed}). Shards run
 * on several threads, so the first use packs under a lock and the others wait for it. A forward built after an update
 * from the one before it packs into the panels of that one's operands ({@code retired}), so a training step allocates
 * none.
 */
final class WeightOperand {
    private final Transpose trans;
    private final int k, n, ld;
    private final float[] w;
    private volatile OperandB operand;
    /** The packed operand of the same weight in the forward before this one, whose panels the packing reuses; or null. */
    private OperandB retired;

    /**
     * op(W) [k, n] from {@code w} (row-major, leading dimension {@code ld}, transposed when {@code trans} is T); packed on
     * first use when {@code packAhead}, into the panels of {@code previous}'s operand (the same weight in a forward no
     * longer used; null for none).
     */
    WeightOperand(Transpose trans, int k, int n, float[] w, int ld, boolean packAhead, WeightOperand previous) {
        this.trans = trans;
        this.k = k;
        this.n = n;
        this.w = w;
        this.ld = ld;
        this.operand = packAhead ? null : OperandB.inPlace(trans, k, n, w, 0, ld);
        // an operand the previous forward never used hands on the panels it was given
        this.retired = !packAhead || previous == null ? null : previous.operand != null ? previous.operand : previous.retired;
    }

    /** The operand, packed now if this is its first use and it is to be packed. */
    OperandB get() {
        OperandB op = operand;
        if (op != null) return op;
        synchronized (this) {
            if (operand == null) {
                operand = OperandB.packed(trans, k, n, w, 0, ld, retired);
                retired = null;
            }
            return operand;
        }
    }
}
