package org.vecformer.model.circuits;

import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.linalg.Matrix;

/**
 * The full QK and OV circuits of every head of one layer, with the vocabulary-side factors of all heads formed
 * by two float32 GEMMs instead of four per head (so W_E and W_U' are each streamed once per layer):
 * <pre>
 *   E = W_E·[W_Q'^0 … W_Q'^{H−1} | W_K'^0 … W_K'^{H−1} | W_V'^0 … W_V'^{H−1}]   [vocab, 3·H·d_head]
 *   U = [W_O^0; …; W_O^{H−1}]·W_U'                                              [H·d_head, vocab]
 * </pre>
 * Head h's circuits read column or row blocks of E and U, widened to double when asked for:
 * {@code qkCircuit(h) = (W_E W_Q'^h)·(W_E W_K'^h)ᵀ} and {@code ovCircuit(h) = (W_E W_V'^h)·(W_O^h W_U')}, the
 * products {@link Circuits#qkCircuit} and {@link Circuits#ovCircuit} define, each entry of a factor summed over
 * d_model in float32. Holds 4·H·d_head·vocab floats; the circuits may be read from several threads.
 */
public final class LayerCircuits {
    private final int heads, dHead, vocab;
    private final float[] embedded;   // E [vocab, 3·H·d_head]
    private final float[] unembedded; // U [H·d_head, vocab]

    LayerCircuits(CircuitWeights w, int layer) {
        int dm = w.config().dModel();
        this.heads = w.config().nHeads();
        this.dHead = w.config().dHead();
        this.vocab = w.vocabSize();
        int hd = heads * dHead, width = 3 * hd;
        float[] reading = new float[dm * width]; // [d_model, 3·H·d_head]
        float[] writing = new float[hd * dm];    // [H·d_head, d_model]
        for (int h = 0; h < heads; h++) {
            place(CircuitWeights.floats(w.wQ(layer, h)), reading, h * dHead, width);
            place(CircuitWeights.floats(w.wK(layer, h)), reading, hd + h * dHead, width);
            place(CircuitWeights.floats(w.wV(layer, h)), reading, 2 * hd + h * dHead, width);
            System.arraycopy(CircuitWeights.floats(w.wO(layer, h)), 0, writing, h * dHead * dm, dHead * dm);
        }
        this.embedded = w.embedFloats(reading, width);
        this.unembedded = w.unembedFloats(writing, hd);
    }

    /** Copies m [d_model, d_head] into columns [col, col + d_head) of out [d_model, width]. */
    private void place(float[] m, float[] out, int col, int width) {
        for (int i = 0; i < m.length / dHead; i++) System.arraycopy(m, i * dHead, out, i * width + col, dHead);
    }

    /** Number of heads. */
    public int heads() {
        return heads;
    }

    /** The full QK circuit of head h, {@code (W_E W_Q'^h)·(W_E W_K'^h)ᵀ} [vocab, vocab] (see {@link Circuits#qkCircuit}). */
    public FactoredMatrix qkCircuit(int h) {
        int hd = heads * dHead;
        return new FactoredMatrix(block(h * dHead), block(hd + h * dHead).transpose());
    }

    /** The full OV circuit of head h, {@code (W_E W_V'^h)·(W_O^h W_U')} [vocab, vocab] (see {@link Circuits#ovCircuit}). */
    public FactoredMatrix ovCircuit(int h) {
        return new FactoredMatrix(block(2 * heads * dHead + h * dHead), Matrix.fromFloats(unembedded, h * dHead * vocab, dHead, vocab, vocab));
    }

    /** Columns [col, col + d_head) of E as a double matrix [vocab, d_head]. */
    private Matrix block(int col) {
        return Matrix.fromFloats(embedded, col, vocab, dHead, 3 * heads * dHead);
    }
}
