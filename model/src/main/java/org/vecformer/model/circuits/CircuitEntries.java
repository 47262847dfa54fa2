package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.model.transformer.Config;

/**
 * The largest entries of every head's circuits, what {@code vecformer circuits} lists: for zero layers the direct path
 * {@code W_E W_U} (and, for a small vocabulary, each row's argmax), for one layer the skip-trigrams of each head
 * ({@link SkipTrigram#top}), else layer by layer the QK and OV circuit of each head ({@link Circuits#layer}). The
 * circuits are spread over the engine's threads, each searched whole on one thread, so the answer does not depend on
 * the thread count.
 *
 * @param skipTrigrams per head of a one-layer model, else empty
 * @param qk per head, layer-major, of a model of two or more layers, else empty
 * @param ov same layout as {@code qk}
 * @param directPath the direct path's top entries of a zero-layer model, else empty
 * @param directPathArgMax each row's argmax of the direct path when it has at most the asked rows, else null
 */
public record CircuitEntries(List<List<SkipTrigram>> skipTrigrams, List<List<FactoredMatrix.Entry>> qk, List<List<FactoredMatrix.Entry>> ov,
                             List<FactoredMatrix.Entry> directPath, int[] directPathArgMax) {
    /**
     * The top {@code k} entries of every circuit of {@code view}; {@code searched} runs once per circuit searched (from
     * the worker threads), {@link #circuitsPerHead} times per head; the direct path's row argmax is read when it has at
     * most {@code argMaxRows} rows.
     */
    public static CircuitEntries of(Circuits view, int k, int argMaxRows, Runnable searched) {
        Config c = view.weights().config();
        int heads = c.nHeads();
        if (c.nLayers() == 0) {
            FactoredMatrix path = view.directPath();
            return new CircuitEntries(List.of(), List.of(), List.of(), List.copyOf(path.topK(k)),
                    path.rows() <= argMaxRows ? path.rowArgMax() : null);
        }
        if (c.nLayers() == 1) {
            List<List<SkipTrigram>> tri = new ArrayList<>(Collections.nCopies(heads, null));
            Parallel.forRange(heads, 1, (from, to) -> {
                for (int h = from; h < to; h++) {
                    tri.set(h, SkipTrigram.top(view, 0, h, k));
                    searched.run();
                }
            });
            return new CircuitEntries(List.copyOf(tri), List.of(), List.of(), List.of(), null);
        }
        List<List<FactoredMatrix.Entry>> qk = new ArrayList<>(), ov = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            LayerCircuits layer = view.layer(l);
            List<List<FactoredMatrix.Entry>> q = new ArrayList<>(Collections.nCopies(heads, null)), o = new ArrayList<>(q);
            Parallel.forRange(2 * heads, 1, (from, to) -> {
                for (int task = from; task < to; task++) {
                    int h = task / 2;
                    if (task % 2 == 0) q.set(h, layer.qkCircuit(h).topK(k));
                    else o.set(h, layer.ovCircuit(h).topK(k));
                    searched.run();
                }
            });
            qk.addAll(q);
            ov.addAll(o);
        }
        return new CircuitEntries(List.of(), List.copyOf(qk), List.copyOf(ov), List.of(), null);
    }

    /** Circuits searched per head: the skip-trigrams of a one-layer model, else its QK and its OV circuit. */
    public static int circuitsPerHead(Config c) {
        return c.nLayers() == 1 ? 1 : 2;
    }
}
