package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.engine.parallel.Parallel;

/**
 * Composition scores between every pair of heads (TransformerLens {@code get_comp_score}; paper §
 * "Virtual Attention Heads"): how much a later head reads what an earlier one writes,
 * <pre>
 *   score(A, B) = ‖A·B‖_F / (‖A‖_F ‖B‖_F)          A = W_V^{h1} W_O^{h1}   (OV of the earlier head, layer l1)
 *   Q: B = W_Q^{h2} (W_K^{h2})ᵀ     K: B = (W_Q^{h2} (W_K^{h2})ᵀ)ᵀ     V: B = W_V^{h2} W_O^{h2}   (layer l2 &gt; l1)
 * </pre>
 * all factored (inner dimension d_head). Arrays are [l1][h1][l2][h2], zero where l2 ≤ l1. By
 * sub-multiplicativity every score lies in [0, 1].
 *
 * <p>Heads are handled in parallel ({@link Parallel}), each score by one thread, so the scores do not depend on the
 * thread count. {@code baseline} is what a user compares against: the mean score of {@link #BASELINE_SAMPLES} pairs of
 * random factored matrices of the same shapes, {@code (X₁Y₁, X₂Y₂)} with X [d_model, d_head] and Y [d_head, d_model]
 * i.i.d. N(0, 1), seeded ({@link #BASELINE_SEED}).
 *
 * @param q Q-composition scores [n_layers][n_heads][n_layers][n_heads]
 * @param k K-composition scores, same shape
 * @param v V-composition scores, same shape
 * @param baseline mean score of random matrices of the same shapes
 */
public record Composition(double[][][][] q, double[][][][] k, double[][][][] v, double baseline) {
    public static final int BASELINE_SAMPLES = 16;
    public static final long BASELINE_SEED = 0;

    /** The three kinds of composition. */
    public enum Kind { Q, K, V }

    /** The scores of one kind. */
    public double[][][][] of(Kind kind) {
        return switch (kind) {
            case Q -> q;
            case K -> k;
            case V -> v;
        };
    }

    /** The score of {@code kind} from head (l1, h1) into head (l2, h2) of a later layer, l1 &lt; l2. */
    public record Link(Kind kind, int l1, int h1, int l2, int h2, double score) {}

    /**
     * Every score with l1 &lt; l2 of every kind, largest first; ties keep the order Q, K, V, then l1, h1, l2, h2 (a
     * stable sort).
     */
    public List<Link> links() {
        List<Link> links = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            double[][][][] s = of(kind);
            for (int l1 = 0; l1 < s.length; l1++) for (int h1 = 0; h1 < s[l1].length; h1++) {
                for (int l2 = l1 + 1; l2 < s.length; l2++) for (int h2 = 0; h2 < s[l1][h1][l2].length; h2++) {
                    links.add(new Link(kind, l1, h1, l2, h2, s[l1][h1][l2][h2]));
                }
            }
        }
        links.sort(Comparator.comparingDouble(Link::score).reversed());
        return links;
    }

    /** The first link of each kind in {@link #links()}: the strongest Q-, K- and V-composition, largest first. */
    public List<Link> strongestOfEachKind() {
        EnumSet<Kind> seen = EnumSet.noneOf(Kind.class);
        List<Link> out = new ArrayList<>();
        for (Link link : links()) if (seen.add(link.kind())) out.add(link);
        return out;
    }

    /** score(A, B) = ‖A·B‖_F / (‖A‖_F ‖B‖_F), all through the factors; 0 when A or B is zero. */
    public static double score(FactoredMatrix a, FactoredMatrix b) {
        double na = a.frobeniusNorm(), nb = b.frobeniusNorm();
        return na == 0 || nb == 0 ? 0 : a.multiply(b).frobeniusNorm() / (na * nb);
    }

    /** Every Q, K and V composition score of the model, with the random baseline. */
    public static Composition of(Circuits c) {
        int layers = c.weights().config().nLayers(), heads = c.weights().config().nHeads();
        Factors[][] ov = new Factors[layers][heads], qk = new Factors[layers][heads], kq = new Factors[layers][heads];
        CircuitWeights w = c.weights();
        Parallel.forRange(layers * heads, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int l = i / heads, h = i % heads;
                Matrix q = w.wQ(l, h), k = w.wK(l, h);
                ov[l][h] = Factors.of(w.wV(l, h), w.wO(l, h));
                qk[l][h] = Factors.of(q, k.transpose());
                kq[l][h] = Factors.of(k, q.transpose());
            }
        });
        double[][][][] q = new double[layers][heads][layers][heads], k = new double[layers][heads][layers][heads],
                v = new double[layers][heads][layers][heads];
        Parallel.forRange(layers * heads, 1, (from, to) -> { // one earlier head (l1, h1) per index
            for (int i = from; i < to; i++) {
                int l1 = i / heads, h1 = i % heads;
                for (int l2 = l1 + 1; l2 < layers; l2++) {
                    for (int h2 = 0; h2 < heads; h2++) {
                        Factors a = ov[l1][h1];
                        q[l1][h1][l2][h2] = score(a, qk[l2][h2]);
                        k[l1][h1][l2][h2] = score(a, kq[l2][h2]);
                        v[l1][h1][l2][h2] = score(a, ov[l2][h2]);
                    }
                }
            }
        });
        return new Composition(q, k, v, baseline(c.weights().config().dModel(), c.weights().config().dHead()));
    }

    /** A factored map L·R with its Gram matrices G = LᵀL and H = RRᵀ [r, r] and ‖L·R‖_F = sqrt(tr(G H)). */
    private record Factors(Matrix left, Matrix right, Matrix leftGram, Matrix rightGram, double norm) {
        static Factors of(Matrix left, Matrix right) {
            Matrix g = left.transpose().multiply(left), h = right.multiply(right.transpose());
            return new Factors(left, right, g, h, Math.sqrt(Math.max(0, traceOfProduct(g, h))));
        }
    }

    /**
     * {@link #score(FactoredMatrix, FactoredMatrix)} for A = L₁R₁, B = L₂R₂ from precomputed Gram matrices:
     * ‖A·B‖²_F = ‖L₁ M R₂‖²_F = tr(Mᵀ G₁ M H₂) = Σ_ij (G₁M)[i][j]·(MH₂)[i][j] with M = R₁L₂ [r, r], so a pair
     * costs one d_head × d_model × d_head product and two d_head³ ones.
     */
    private static double score(Factors a, Factors b) {
        if (a.norm() == 0 || b.norm() == 0) return 0;
        Matrix m = a.right().multiply(b.left());
        return Math.sqrt(Math.max(0, traceOfProduct(a.leftGram().multiply(m), m.multiply(b.rightGram())))) / (a.norm() * b.norm());
    }

    /** Σ_ij X[i][j]·Y[i][j] = tr(Xᵀ Y) for X, Y of the same shape. */
    private static double traceOfProduct(Matrix x, Matrix y) {
        double s = 0;
        for (int i = 0; i < x.rows(); i++) for (int j = 0; j < x.cols(); j++) s += x.get(i, j) * y.get(i, j);
        return s;
    }

    /** Mean of {@link #score} over {@link #BASELINE_SAMPLES} seeded pairs of random factored [d_model, d_model] matrices of inner dimension d_head. */
    public static double baseline(int dModel, int dHead) {
        SplittableRandom rnd = new SplittableRandom(BASELINE_SEED);
        Matrix[][] draws = new Matrix[BASELINE_SAMPLES][]; // drawn in sample order: X₁, Y₁, X₂, Y₂
        for (int s = 0; s < BASELINE_SAMPLES; s++) {
            draws[s] = new Matrix[] {gaussian(dModel, dHead, rnd), gaussian(dHead, dModel, rnd), gaussian(dModel, dHead, rnd),
                gaussian(dHead, dModel, rnd)};
        }
        double[] scores = new double[BASELINE_SAMPLES];
        Parallel.forRange(BASELINE_SAMPLES, 1, (from, to) -> {
            for (int s = from; s < to; s++) scores[s] = score(Factors.of(draws[s][0], draws[s][1]), Factors.of(draws[s][2], draws[s][3]));
        });
        double sum = 0;
        for (double x : scores) sum += x;
        return sum / BASELINE_SAMPLES;
    }

    private static Matrix gaussian(int rows, int cols, SplittableRandom rnd) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m.set(i, j, rnd.nextGaussian());
        return m;
    }
}
