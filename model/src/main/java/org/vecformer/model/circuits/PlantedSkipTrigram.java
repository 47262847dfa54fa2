package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.List;
import org.vecformer.model.data.SkipTrigrams;

/**
 * How a one-layer model's circuits implement one planted skip-trigram A … B → C of {@link SkipTrigrams} (paper §
 * "Skip-Trigram Interpretation": the QK circuit lets destination B attend to source A, the OV circuit of A raises C).
 *
 * <p>The reading follows what the task lets the model use. In B's contexts the other tokens are fillers, so the QK
 * side asks whether B's query scores A above every filler: {@code qkRank} is A's rank among A and the fillers in the
 * row B of the head's QK circuit {@code W_E W_Q W_Kᵀ W_Eᵀ} (1: above all of them), and the heads where it is 1 are the
 * {@code attendingHeads}. With fanout &gt; 1 several triples share B, so what must come from A is not "raise C" (the
 * direct path and B itself can raise all of B's C's) but "raise C more than B's other A's do". The OV side therefore
 * reads the contrast row, summed over the attending heads,
 * <pre>
 *   d(o) = Σ_{h attending} ( OV_h[A][o] − mean_{A' ∈ A's of B} OV_h[A'][o] ),   OV_h = W_E W_V^h W_O^h W_U'
 * </pre>
 * and {@code ovRank} is C's rank by d among B's planted outputs (1: first), {@code ovMargin} = d(C) − max d(C') over
 * B's other outputs C', {@code ovSpread} = max − min of A's summed row Σ_{h attending} OV_h[A][·]. For a B with a single
 * triple there is nothing to tell apart: d is the plain OV row of A and C is ranked among all outputs. {@code found} =
 * some head attends, ovRank = 1, and the margin is at least {@link #MIN_RELATIVE_MARGIN} of the spread: a model that
 * has not learnt a pair of triples still has contrasts of either sign, only tiny ones. The
 * {@code head} shown is the attending head with the largest own contrast margin (or the head with the best qkRank
 * when none attends). Circuit values leave out the layer-norm scale, so margins compare within a model only.
 */
public record PlantedSkipTrigram(SkipTrigrams.Triple triple, int head, int qkRank, int attendingHeads, int ovRank, double ovMargin,
                                 double ovSpread, boolean found) {
    /**
     * Smallest margin, as a share of the spread, that counts as found. On the one-layer models trained while writing
     * this (seeds 1–3, 600–2000 steps), the triples the model had not learnt (its P(C) at B ≈ 0.5) had at most 0.004
     * and the learnt ones at least 0.019.
     */
    public static final double MIN_RELATIVE_MARGIN = 0.01;

    /** The reading of every planted triple of {@code planted} in layer {@code layer}; {@code circuits} over the whole vocabulary. */
    public static List<PlantedSkipTrigram> of(Circuits circuits, int layer, SkipTrigrams planted) {
        int heads = circuits.weights().config().nHeads();
        List<PlantedSkipTrigram> out = new ArrayList<>();
        for (SkipTrigrams.Triple t : planted.triples()) {
            List<SkipTrigrams.Triple> siblings = planted.triples().stream().filter(s -> s.b() == t.b()).toList();
            int bestQkHead = 0, bestQk = Integer.MAX_VALUE, attending = 0, shownHead = -1;
            double shownMargin = Double.NEGATIVE_INFINITY;
            double[] d = null, plain = null;
            for (int h = 0; h < heads; h++) {
                int rank = qkRank(circuits.qkCircuit(layer, h).row(t.b()), t.a(), planted.fillers());
                if (rank < bestQk) {
                    bestQk = rank;
                    bestQkHead = h;
                }
                if (rank != 1) continue;
                attending++;
                double[] own = contrast(circuits, layer, h, t, siblings);
                double margin = margin(own, t, siblings);
                if (margin > shownMargin) {
                    shownMargin = margin;
                    shownHead = h;
                }
                double[] row = circuits.ovCircuit(layer, h).row(t.a());
                if (d == null) {
                    d = own;
                    plain = row;
                } else {
                    for (int o = 0; o < d.length; o++) {
                        d[o] += own[o];
                        plain[o] += row[o];
                    }
                }
            }
            if (d == null) {
                out.add(new PlantedSkipTrigram(t, bestQkHead, bestQk, 0, 0, Double.NaN, Double.NaN, false));
                continue;
            }
            int ovRank = ovRank(d, t, siblings);
            double margin = margin(d, t, siblings);
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            for (double x : plain) {
                max = Math.max(max, x);
                min = Math.min(min, x);
            }
            double spread = max - min;
            out.add(new PlantedSkipTrigram(t, shownHead, 1, attending, ovRank, margin, spread,
                    ovRank == 1 && margin > 0 && margin >= MIN_RELATIVE_MARGIN * spread));
        }
        return List.copyOf(out);
    }

    /** 1 + the number of fillers f with {@code row[f] >= row[a]}: A's rank among A and the fillers (ties count against A). */
    static int qkRank(double[] row, int a, int[] fillers) {
        int rank = 1;
        for (int f : fillers) if (row[f] >= row[a]) rank++;
        return rank;
    }

    /** OV_h[A][o] − mean over the siblings' A of OV_h[A'][o]; the plain row OV_h[A] when A's B has no other triple. */
    private static double[] contrast(Circuits circuits, int layer, int h, SkipTrigrams.Triple t, List<SkipTrigrams.Triple> siblings) {
        var ov = circuits.ovCircuit(layer, h);
        double[] d = ov.row(t.a());
        if (siblings.size() == 1) return d;
        for (SkipTrigrams.Triple s : siblings) {
            double[] other = ov.row(s.a());
            for (int o = 0; o < d.length; o++) d[o] -= other[o] / siblings.size();
        }
        return d;
    }

    /** C's rank by d among the siblings' outputs (among all outputs for a lone triple); ties count against C. */
    private static int ovRank(double[] d, SkipTrigrams.Triple t, List<SkipTrigrams.Triple> siblings) {
        int rank = 1;
        if (siblings.size() == 1) {
            for (int o = 0; o < d.length; o++) if (o != t.c() && d[o] >= d[t.c()]) rank++;
        } else {
            for (SkipTrigrams.Triple s : siblings) if (s.c() != t.c() && d[s.c()] >= d[t.c()]) rank++;
        }
        return rank;
    }

    /** d(C) − the largest d of a competitor (the siblings' outputs, or every other output for a lone triple). */
    private static double margin(double[] d, SkipTrigrams.Triple t, List<SkipTrigrams.Triple> siblings) {
        double best = Double.NEGATIVE_INFINITY;
        if (siblings.size() == 1) {
            for (int o = 0; o < d.length; o++) if (o != t.c()) best = Math.max(best, d[o]);
        } else {
            for (SkipTrigrams.Triple s : siblings) if (s.c() != t.c()) best = Math.max(best, d[s.c()]);
        }
        return d[t.c()] - best;
    }
}
