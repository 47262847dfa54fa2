package org.vecformer.cli.render;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A real-looking report for development and tests: 2 layers x 4 heads on a 12-token prompt that repeats a 5-token
 * sequence, where L0H1 attends to the previous token, L1H1 to the previous copy of the current token
 * (duplicate-token) and L1H2 to the token after it (induction); a decaying loss curve over 500 steps, K-composition
 * scores, a head-score table and a bigram table. {@code main} writes it to the path given (default
 * target/sample-report.html).
 */
final class SampleReport {
    static final int LAYERS = 2;
    static final int HEADS = 4;
    /** Period of the repeated sequence: [bos, r1..r5, r1..r5, r1]. */
    static final int PERIOD = 5;
    static final List<String> TOKENS =
            List.of("<bos>", "if", " a", " <", " b", ":\n", "if", " a", " <", " b", ":\n", "if");

    private SampleReport() {}

    static Report build() {
        return build(TOKENS);
    }

    static Report build(List<String> tokens) {
        List<AttentionHead> heads = heads(tokens.size(), new Random(42));
        List<Section> sections = new ArrayList<>();
        sections.add(new Section.Text("About this run", List.of(
                "A 2-layer attention-only transformer with 4 heads per layer, trained for 500 steps on sequences that "
                        + "repeat a random run of tokens. Induction needs two heads working together: a previous-token "
                        + "head in layer 0 and an induction head in layer 1 that reads its output through K-composition.",
                "Hover any heatmap cell for its tokens and value.")));
        sections.add(lossCurves());
        sections.add(new Section.Attention("Attention patterns on a repeated prompt", tokens, heads));
        sections.add(composition());
        sections.add(scores(heads));
        sections.add(bigrams());
        sections.add(positional());
        sections.add(trainingRun());
        return new Report("Induction heads in a 2-layer attention-only model",
                "vecformer sample report · seed 42 · d_model 64, d_head 16, n_ctx 32", sections);
    }

    /** 2 x 4 heads: softmax over the causal prefix of small random logits plus a strong logit on each head's target. */
    static List<AttentionHead> heads(int t, Random random) {
        List<AttentionHead> heads = new ArrayList<>();
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int head = 0; head < HEADS; head++) {
                float[][] pattern = new float[t][t];
                for (int q = 0; q < t; q++) {
                    int target = target(layer, head, q);
                    double[] logits = new double[q + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k <= q; k++) {
                        logits[k] = 0.6 * random.nextGaussian() + (k == target ? 5 : 0);
                        max = Math.max(max, logits[k]);
                    }
                    double sum = 0;
                    for (int k = 0; k <= q; k++) {
                        logits[k] = Math.exp(logits[k] - max);
                        sum += logits[k];
                    }
                    for (int k = 0; k <= q; k++) {
                        pattern[q][k] = (float) (logits[k] / sum);
                    }
                }
                heads.add(new AttentionHead(layer, head, pattern));
            }
        }
        return heads;
    }

    /** The key position head (layer, head) attends to from query q, or -1 for a diffuse head. */
    private static int target(int layer, int head, int q) {
        return switch (layer * HEADS + head) {
            case 1 -> Math.max(0, q - 1);                          // L0H1: previous token
            case 2, 4 -> 0;                                        // L0H2, L1H0: rest on <bos>
            case 3 -> q;                                           // L0H3: current token
            case 5 -> q > PERIOD ? q - PERIOD : 0;                 // L1H1: duplicate token
            case 6 -> q > PERIOD ? q - PERIOD + 1 : 0;             // L1H2: induction
            default -> -1;
        };
    }

    private static Section.LossCurves lossCurves() {
        Random random = new Random(7);
        List<Series> series = new ArrayList<>();
        long[] trainSteps = new long[101];
        double[] train = new double[101];
        for (int i = 0; i <= 100; i++) {
            trainSteps[i] = 5L * i;
            train[i] = 0.55 + 3.6 * Math.exp(-trainSteps[i] / 70.0) + 0.04 * random.nextGaussian() * Math.exp(-i / 60.0)
                    + 0.02 * Math.abs(random.nextGaussian());
        }
        long[] evalSteps = new long[21];
        double[] held = new double[21];
        for (int i = 0; i <= 20; i++) {
            evalSteps[i] = 25L * i;
            held[i] = 0.62 + 3.5 * Math.exp(-evalSteps[i] / 75.0) + 0.015 * Math.abs(random.nextGaussian());
        }
        series.add(new Series("train", trainSteps, train));
        series.add(new Series("held-out", evalSteps, held));
        return new Section.LossCurves("Loss", "cross-entropy loss (nats)", false, series);
    }

    /** The random-matrix baseline of {@link #composition()}. */
    static final double BASELINE = 0.124;

    /**
     * Q-, K- and V-composition of layer 1 (rows) reading layer 0 (columns) as three panels on one scale anchored at
     * {@link #BASELINE}: noise around the baseline, and K-composition L0H1 → L1H2 = 0.62.
     */
    static Section.Matrix composition() {
        List<String> rows = new ArrayList<>();
        List<String> cols = new ArrayList<>();
        for (int h = 0; h < HEADS; h++) {
            rows.add("L1H" + h);
            cols.add("L0H" + h);
        }
        Random random = new Random(3);
        List<Section.Matrix.Panel> panels = new ArrayList<>();
        for (String kind : List.of("Q", "K", "V")) {
            double[][] values = new double[HEADS][HEADS];
            for (int r = 0; r < HEADS; r++) {
                for (int c = 0; c < HEADS; c++) {
                    values[r][c] = BASELINE + 0.04 * (random.nextDouble() - 0.5);
                }
            }
            if (kind.equals("K")) {
                values[2][1] = 0.62;
            }
            panels.add(new Section.Matrix.Panel(kind + "-composition", rows, cols, values));
        }
        return new Section.Matrix("Composition scores (layer 1 reads layer 0)", "One scale for Q, K and V, white at the random baseline.",
                new Section.Matrix.Axes("later head", "earlier head"), panels, ValueRange.anchored(0, BASELINE, 0.7, "random baseline"),
                Section.Matrix.Mask.NONE, false);
    }

    /** Positions of {@link #positional()}. */
    static final int POSITIONS = 16;

    /**
     * A previous-token head's positional QK circuit, row-centred over k ≤ q, future masked, row maxima marked: row q
     * peaks at key q − 1 (row 0 has only key 0).
     */
    static Section.Matrix positional() {
        Random random = new Random(13);
        double[][] v = new double[POSITIONS][POSITIONS];
        for (int q = 0; q < POSITIONS; q++) {
            double mean = 0;
            for (int k = 0; k <= q; k++) {
                v[q][k] = 0.1 * random.nextGaussian() + (k == q - 1 ? 1 : 0);
                mean += v[q][k];
            }
            mean /= q + 1;
            for (int k = 0; k <= q; k++) {
                v[q][k] -= mean;
            }
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < POSITIONS; i++) {
            labels.add(Integer.toString(i));
        }
        return new Section.Matrix("Positional QK circuit of L0H1", "Rows centred over keys k ≤ q; keys after the query masked.",
                new Section.Matrix.Axes("query position", "key position"), List.of(new Section.Matrix.Panel("", labels, labels, v)),
                new ValueRange(-1, 1), Section.Matrix.Mask.causal("masked (key after query)"), true);
    }

    /** A run's loss: every step (faint), its moving average (line), held-out points, and ln 64 as a reference. */
    static Section.LossCurves trainingRun() {
        Random random = new Random(17);
        int n = 400;
        long[] steps = new long[n];
        double[] train = new double[n], ema = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = i + 1;
            train[i] = (i < 200 ? 4.1 : 1.6) + 0.15 * random.nextGaussian();
            ema[i] = i == 0 ? train[0] : 0.9 * ema[i - 1] + 0.1 * train[i];
        }
        long[] evalSteps = {50, 100, 150, 200, 250, 300, 350, 400};
        double[] held = {4.1, 4.05, 4.0, 3.9, 1.7, 1.62, 1.6, 1.6};
        return new Section.LossCurves("Induction run", "Pale: every step; solid: EMA 0.9; dots: held-out; dashed: ln 64.", "loss (nats)", false,
                List.of(new Series("train, every step", steps, train, Series.Style.FAINT, 0),
                        new Series("train, EMA 0.9", steps, ema, Series.Style.LINE, 0),
                        new Series("held-out", evalSteps, held, Series.Style.POINTS, 1)),
                List.of(new Section.LossCurves.Reference("ln 64 = 4.16 (uniform guess)", Math.log(64))));
    }

    private static Section.Table scores(List<AttentionHead> heads) {
        Random random = new Random(11);
        List<List<Cell>> rows = new ArrayList<>();
        for (AttentionHead h : heads) {
            float[][] p = h.pattern();
            rows.add(List.of(Cell.of(h.label()), Cell.of(random.nextDouble() * 1.6 - 0.6, 2),
                    Cell.of(diagonalMean(p, 1)), Cell.of(diagonalMean(p, PERIOD - 1))));
        }
        return new Section.Table("Head scores", List.of(Section.Table.Column.plain("head"),
                Section.Table.Column.heat("copying score", new ValueRange(-1, 1)),
                Section.Table.Column.heat("previous-token", ValueRange.PROBABILITY),
                Section.Table.Column.heat("induction", ValueRange.PROBABILITY)), rows);
    }

    /** Mean of pattern[q][q - offset] over the second copy of the repeated sequence. */
    static double diagonalMean(float[][] pattern, int offset) {
        double sum = 0;
        int n = 0;
        for (int q = PERIOD + 1; q < pattern.length; q++) {
            sum += pattern[q][q - offset];
            n++;
        }
        return sum / n;
    }

    private static Section.Matrix bigrams() {
        List<String> vocab = List.of("if", " a", " <", " b", ":\n", "<bos>");
        Random random = new Random(5);
        double[][] logits = new double[vocab.size()][vocab.size()];
        for (int r = 0; r < vocab.size(); r++) {
            for (int c = 0; c < vocab.size(); c++) {
                logits[r][c] = random.nextGaussian() * 1.2 + (c == (r + 1) % (vocab.size() - 1) ? 2.5 : 0);
            }
        }
        return new Section.Matrix("Direct-path bigram logits (row: current token, column: next token)", vocab, vocab,
                logits, new ValueRange(-4, 4));
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/sample-report.html");
        HtmlReport.write(build(), out);
        System.out.println("wrote " + out.toAbsolutePath());
    }
}
