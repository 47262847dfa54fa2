package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.parallel.Parallel;

/**
 * A virtual attention head made by V-composition (paper § "Virtual Attention Heads"): head h2 in layer l2 moves
 * what head h1 in layer l1 &lt; l2 wrote, so the path's OV matrix is
 * {@code W_V^{h1} W_O^{h1} W_V^{h2} W_O^{h2}} [d_model, d_model] (row vectors; the paper's W_OV^{h2} W_OV^{h1}),
 * kept factored (inner dimension d_head). {@code norm} is its Frobenius norm ‖·‖_F, the size of the path;
 * compare it with the heads' own OV norms.
 */
public record VirtualHead(int layer1, int head1, int layer2, int head2, FactoredMatrix ov, double norm) {

    /** Every V-composition pair l1 &lt; l2, largest norm first (ties in layer/head order); earlier heads in parallel. */
    public static List<VirtualHead> all(Circuits c) {
        int layers = c.weights().config().nLayers(), heads = c.weights().config().nHeads();
        List<List<VirtualHead>> byFirst = new ArrayList<>(Collections.nCopies(layers * heads, null));
        Parallel.forRange(layers * heads, 1, (from, to) -> { // one earlier head (l1, h1) per index
            for (int i = from; i < to; i++) {
                int l1 = i / heads, h1 = i % heads;
                FactoredMatrix first = c.ov(l1, h1);
                List<VirtualHead> paths = new ArrayList<>();
                for (int l2 = l1 + 1; l2 < layers; l2++) {
                    for (int h2 = 0; h2 < heads; h2++) {
                        FactoredMatrix path = first.multiply(c.ov(l2, h2));
                        paths.add(new VirtualHead(l1, h1, l2, h2, path, path.frobeniusNorm()));
                    }
                }
                byFirst.set(i, paths);
            }
        });
        List<VirtualHead> out = new ArrayList<>();
        for (List<VirtualHead> paths : byFirst) out.addAll(paths);
        out.sort(Comparator.comparingDouble(VirtualHead::norm).reversed());
        return List.copyOf(out);
    }
}
