package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.List;
import org.vecformer.engine.linalg.FactoredMatrix;

/**
 * A skip-trigram "source … destination → output" read from a one-layer head's circuits (paper § "Skip-Trigram
 * Interpretation"): attending from {@code destination} to {@code source} (QK circuit entry {@code qk}) raises
 * the logit of {@code output} by {@code ov} (OV circuit entry). Tokens are ids.
 */
public record SkipTrigram(int layer, int head, int source, int destination, int output, double ov, double qk) {

    /**
     * The head's top skip-trigrams: the k largest entries [s][o] of the OV circuit {@code W_E W_V W_O W_U'}
     * (best first, {@link FactoredMatrix#topK}), each with the destination d that attends most to s, i.e. the
     * argmax over d of the QK circuit column {@code (W_E W_Q W_Kᵀ W_Eᵀ)[d][s]} (ties to the smaller d), in the
     * vocabulary of {@code circuits} (token ids mapped back through {@link CircuitWeights#tokenId}).
     */
    public static List<SkipTrigram> top(Circuits circuits, int layer, int head, int k) {
        CircuitWeights w = circuits.weights();
        List<FactoredMatrix.Entry> ov = circuits.ovCircuit(layer, head).topK(k);
        FactoredMatrix keysFirst = circuits.qkCircuit(layer, head).transpose(); // [s][d] = QK[d][s]
        List<SkipTrigram> out = new ArrayList<>();
        for (FactoredMatrix.Entry e : ov) {
            double[] column = keysFirst.row(e.row());
            int best = 0;
            for (int d = 1; d < column.length; d++) if (column[d] > column[best]) best = d;
            out.add(new SkipTrigram(layer, head, w.tokenId(e.row()), w.tokenId(best), w.tokenId(e.col()), e.value(), column[best]));
        }
        return List.copyOf(out);
    }
}
