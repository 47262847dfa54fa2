package org.vecformer.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.AttentionHead;
import org.vecformer.cli.render.Cell;
import org.vecformer.cli.render.HtmlReport;
import org.vecformer.cli.render.Json;
import org.vecformer.cli.render.PngHeatmap;
import org.vecformer.cli.render.Report;
import org.vecformer.cli.render.Section;
import org.vecformer.cli.render.Series;
import org.vecformer.cli.render.ValueRange;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.circuits.CircuitWeights;
import org.vecformer.model.circuits.Circuits;
import org.vecformer.model.circuits.Composition;
import org.vecformer.model.circuits.HeadDetector;
import org.vecformer.model.circuits.SkipTrigram;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.data.BigramTask;
import org.vecformer.model.data.RepeatedTokens;
import org.vecformer.model.data.SkipTrigramTask;
import org.vecformer.model.data.SkipTrigrams;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.train.TrainConfig;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vecformer demo}: the paper in three runs with the train command's defaults — a zero-layer model learns the
 * bigram table in its direct path, a one-layer model learns planted skip-trigrams, a two-layer model forms a
 * previous-token head and an induction head joined by K-composition. Prints the numbers and writes the models,
 * loss curves, an HTML report, PNG heatmaps and the numbers as {@code summary.json} into one directory.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train zero-, one- and two-layer models on bigram, skip-trigram and induction data and show their circuits (about a minute on 2 cores).")
public final class DemoCommand implements Callable<Integer> {
    /** Bigram table rows and columns the report shows. */
    private static final int BIGRAM_SHOWN = 8;

    @Spec
    CommandSpec spec;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "vecformer-demo", description = "Directory to write into (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the initialisations and the data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the summary (summary.json) on standard output; the narrative goes to standard error.")
    boolean json;

    /** Fraction of each default training budget (tests run a few steps). */
    @Option(names = "--steps-scale", hidden = true, defaultValue = "1")
    double stepsScale;

    private PrintWriter o;
    private int nThreads;
    private final List<Section> sections = new ArrayList<>();
    private final List<Series> curves = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    /** The numbers of the three parts, written as summary.json. */
    private final Map<String, Object> summary = new LinkedHashMap<>();

    /** A trained model with its task data. */
    private record Trained(ModelFile model, TrainTask.Data data) {}

    @Override
    public Integer call() throws IOException {
        nThreads = threads.apply();
        if (!(stepsScale > 0 && stepsScale <= 1)) throw new UsageException("--steps-scale must be in (0, 1], not " + stepsScale);
        OutputPaths.directory("--out", out);
        OutputPaths.create(out);
        o = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        summary.put("seed", seed);
        summary.put("threads", nThreads);
        long start = System.nanoTime();
        bigrams();
        skipTrigrams();
        induction();
        sections.addFirst(new Section.LossCurves("Loss curves (held-out loss of the three runs)", "loss (nats)", false, curves));
        Path html = out.resolve("report.html");
        HtmlReport.write(new Report("vecformer demo", "Elhage et al. 2021, A Mathematical Framework for Transformer Circuits, in three runs (seed "
                + seed + ")", sections), html);
        written.add(html);
        Path summaryFile = out.resolve("summary.json");
        written.add(summaryFile);
        double seconds = (System.nanoTime() - start) * 1e-9;
        summary.put("seconds", seconds);
        summary.put("files", written.stream().map(Path::toString).toList());
        String summaryJson = Json.write(summary);
        Json.writeFile(summaryFile, summaryJson);
        o.printf("%nfinished in %.0f s; wrote:%n", seconds);
        for (Path p : written) o.println("  " + p);
        o.flush();
        if (json) spec.commandLine().getOut().println(summaryJson);
        return 0;
    }

    private Trained train(String task, String title) throws IOException {
        o.printf("%n== %s ==%n", title);
        int vocab = TrainTask.defaultVocab(task), nCtx = 64;
        TrainConfig tc = TrainConfig.of(Math.max(1, (int) Math.round(TrainTask.defaultSteps(task) * stepsScale)), 32, 2e-3, seed);
        TrainTask t = new TrainTask(task, null, vocab, nCtx, seed);
        TrainTask.Data d = t.open(tc.evalSize());
        Config c = Config.of(TrainTask.defaultLayers(task), 64, 4, 16, nCtx, vocab);
        Trainer trainer = new Trainer(Weights.init(c, seed, tc.initStd()), tc, d.train(), d.heldOut());
        Path model = out.resolve(task + ".safetensors"), csv = out.resolve(task + ".loss.csv"), ckpt = out.resolve(task + ".ckpt.safetensors");
        List<Long> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        TrainCommand.train(o, spec.commandLine().getErr(), trainer, t, d, csv, ckpt, model, nThreads, p -> {
            if (!Double.isNaN(p.heldOutLoss())) {
                steps.add((long) p.step());
                losses.add(p.heldOutLoss());
            }
        });
        curves.add(new Series(task + " (" + c.nLayers() + (c.nLayers() == 1 ? " layer)" : " layers)"), steps.stream().mapToLong(Long::longValue).toArray(),
                losses.stream().mapToDouble(Double::doubleValue).toArray()));
        written.addAll(List.of(model, csv, ckpt));
        return new Trained(new ModelFile(trainer.weights(), Optional.empty()), d);
    }

    /** Part 1: the direct path of a zero-layer model against the true bigram table. */
    private void bigrams() throws IOException {
        Trained t = train("bigram", "1. zero layers on bigram data: the direct path is the bigram table");
        BigramChain chain = ((BigramTask) t.data().train()).chain();
        int v = chain.dVocab();
        float[] model = new float[v * v];
        double[][] truth = new double[v][v], fit = new double[v][v];
        double[] x = new double[v * v], y = new double[v * v];
        for (int a = 0; a < v; a++) {
            float[] row = t.model().transformer().forward(new int[] {a}).copy().data(); // [1, 1, v]: zero layers, so the direct path
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float z : row) max = Math.max(max, z);
            for (float z : row) sum += Math.exp(z - max);
            for (int b = 0; b < v; b++) {
                fit[a][b] = Math.exp(row[b] - max) / sum;
                truth[a][b] = chain.probability(a, b);
                model[a * v + b] = (float) fit[a][b];
                x[a * v + b] = Math.log(truth[a][b]);
                y[a * v + b] = Math.log(fit[a][b]);
            }
        }
        double kl = chain.meanKl(model), r = correlation(x, y);
        o.printf("mean KL(true || model)                   %8.4f nats  (model: softmax of the direct path W_E W_U + b_U, through ln_final)%n", kl);
        o.printf("correlation of true and model log-probs  %8.4f  (over all %d x %d bigrams)%n", r, v, v);
        o.println("what this shows: with no attention the model can only learn a bigram table, and W_E W_U holds it.");
        summary.put("bigram", Json.object("layers", 0, "d_vocab", v, "mean_kl", kl, "log_prob_correlation", r));
        int n = Math.min(BIGRAM_SHOWN, v);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) labels.add(Integer.toString(i));
        sections.add(new Section.Text("1. Zero layers: the direct path is the bigram table", List.of(String.format(Locale.ROOT,
                "Zero layers: the logits are the direct path W_E W_U + b_U (through the final layer norm). Mean KL(true ‖ model) = %.4f nats; correlation of true and model log-probabilities = %.4f.", kl, r))));
        sections.add(new Section.Matrix("True P(next | current), first " + n + " tokens", labels, labels, head(truth, n), ValueRange.PROBABILITY));
        sections.add(new Section.Matrix("Model P(next | current) = softmax(W_E W_U + b_U), first " + n + " tokens", labels, labels, head(fit, n), ValueRange.PROBABILITY));
    }

    /** Part 2: the top skip-trigrams of a one-layer model against the planted ones, and its copying scores. */
    private void skipTrigrams() throws IOException {
        Trained t = train("skip-trigram", "2. one layer on skip-trigram data: heads read as skip-trigrams");
        SkipTrigrams planted = ((SkipTrigramTask) t.data().train()).planted();
        Circuits circuits = new Circuits(CircuitWeights.of(t.model().weights()));
        Config c = t.model().config();
        int k = planted.triples().size();
        List<SkipTrigram> top = new ArrayList<>();
        for (int h = 0; h < c.nHeads(); h++) top.addAll(SkipTrigram.top(circuits, 0, h, k));
        top.sort(Comparator.comparingDouble(SkipTrigram::ov).reversed());
        Set<SkipTrigrams.Triple> found = new HashSet<>();
        for (SkipTrigram s : top) found.add(new SkipTrigrams.Triple(s.source(), s.destination(), s.output()));
        List<SkipTrigrams.Triple> recovered = planted.triples().stream().filter(found::contains).toList();
        long argmaxHits = planted.triples().stream().filter(p -> strongestOutputIsC(circuits, c.nHeads(), p)).count();
        double[][] copying = circuits.copyingScores();
        o.printf("planted A ... B -> C whose A raises C most (OV row argmax, some head)  %d of %d%n", argmaxHits, k);
        o.printf("planted skip-trigrams recovered  %d of %d  (top %d OV entries per head, destination by QK)%n", recovered.size(), k, k);
        o.println("strongest skip-trigrams (source ... destination -> output):");
        List<List<Cell>> rows = new ArrayList<>();
        for (SkipTrigram s : top.subList(0, Math.min(2 * k, top.size()))) {
            String hit = role(planted, s);
            if (rows.size() < k) {
                o.printf("  L0H%d  %2d ... %2d -> %2d   ov %6.2f  qk %6.2f  %s%n", s.head(), s.source(), s.destination(), s.output(), s.ov(), s.qk(), hit);
            }
            rows.add(List.of(Cell.of("L0H" + s.head()), Cell.of(s.source()), Cell.of(s.destination()), Cell.of(s.output()), Cell.of(s.ov()),
                    Cell.of(s.qk()), Cell.of(hit)));
        }
        o.printf("copying score per head (Σλ / Σ|λ| of the OV circuit's eigenvalues):  %s%n", scores(copying[0]));
        o.println("what this shows: a one-layer head is read as skip-trigrams straight from its QK and OV circuits; in this short run the OV");
        o.println("  circuits send most planted A to their C, but the strongest single entries are the triples' A -> B and B -> C links,");
        o.println("  not whole planted triples (count above).");
        summary.put("skip_trigram", Json.object("layers", 1, "planted", planted.triples().stream().map(p -> List.of(p.a(), p.b(), p.c())).toList(),
                "recovered", recovered.size(), "argmax_hits", argmaxHits, "copying_scores", copying[0],
                "top", top.subList(0, Math.min(k, top.size())).stream().map(s -> Json.object("layer", 0, "head", s.head(), "source", s.source(),
                        "destination", s.destination(), "output", s.output(), "ov", s.ov(), "qk", s.qk())).toList()));
        List<String> plantedText = new ArrayList<>();
        for (SkipTrigrams.Triple p : planted.triples()) plantedText.add(p.a() + " … " + p.b() + " → " + p.c());
        sections.add(new Section.Text("2. One layer: skip-trigrams", List.of(String.format(Locale.ROOT,
                "%d of %d planted skip-trigrams are among the top %d OV-circuit entries per head; for %d of %d the planted C is the output "
                        + "its A raises most (OV circuit row argmax) in some head. Planted: %s.", recovered.size(), k, k, argmaxHits, k,
                String.join(", ", plantedText)))));
        sections.add(new Section.Table("Strongest skip-trigrams (source … destination → output)", List.of(Section.Table.Column.plain("head"),
                Section.Table.Column.plain("source"), Section.Table.Column.plain("destination"), Section.Table.Column.plain("output"),
                Section.Table.Column.plain("OV logit"), Section.Table.Column.plain("QK score"), Section.Table.Column.plain("planted relation")), rows));
        List<List<Cell>> copyRows = new ArrayList<>();
        for (int h = 0; h < c.nHeads(); h++) copyRows.add(List.of(Cell.of("L0H" + h), Cell.of(copying[0][h])));
        sections.add(new Section.Table("Copying scores of the one-layer model", List.of(Section.Table.Column.plain("head"),
                Section.Table.Column.heat("copying score", new ValueRange(-1, 1))), copyRows));
    }

    /** Part 3: previous-token and induction heads of a two-layer model, their K-composition, and in-context learning. */
    private void induction() throws IOException {
        Trained t = train("induction", "3. two layers on repeated random tokens: an induction head");
        ModelFile m = t.model();
        Config c = m.config();
        int n = Math.max(2, c.nCtx() / 4);
        HeadDetector det = HeadDetector.detect(m.transformer(), n, 8, seed);
        Circuits circuits = new Circuits(CircuitWeights.of(m.weights()));
        Composition comp = Composition.of(circuits);
        double[][] copying = circuits.copyingScores();
        int prev = argmax(det.previousToken()[0]), ind = argmax(det.induction()[1]);
        double kc = comp.k()[0][prev][1][ind], qc = comp.q()[0][prev][1][ind], vc = comp.v()[0][prev][1][ind];
        RepeatedTokens rep = RepeatedTokens.sample(c.dVocab(), c.nCtx(), 16, seed + 1);
        double[] loss = tokenLoss(m, rep);
        double repeated = mean(loss, rep.repeatedHalf()), first = mean(loss, rep.firstHalf());
        o.printf("previous-token head  L0H%d  score %.3f%n", prev, det.previousToken()[0][prev]);
        o.printf("induction head       L1H%d  score %.3f%n", ind, det.induction()[1][ind]);
        o.printf("composition L0H%d -> L1H%d   K %.3f   Q %.3f   V %.3f   random baseline %.3f%n", prev, ind, kc, qc, vc, comp.baseline());
        o.printf("loss on first halves     %.3f nats  (ln %d = %.3f: unpredictable)%n", first, c.dVocab(), Math.log(c.dVocab()));
        o.printf("loss on repeated halves  %.3f nats%n", repeated);
        o.println("what this shows: the induction head finds its key through the previous-token head's output (K-composition) and copies the token that came next.");
        sections.add(new Section.Text("3. Two layers: induction", List.of(String.format(Locale.ROOT,
                "Previous-token head L0H%d (score %.3f) and induction head L1H%d (score %.3f). K-composition between them %.3f, against Q %.3f, "
                        + "V %.3f and a random baseline of %.3f. Loss on the repeated halves of [r, r] sequences %.3f nats against %.3f on the first halves.",
                prev, det.previousToken()[0][prev], ind, det.induction()[1][ind], kc, qc, vc, comp.baseline(), repeated, first))));
        List<List<Cell>> rows = new ArrayList<>();
        List<Object> heads = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                rows.add(List.of(Cell.of("L" + l + "H" + h), Cell.of(copying[l][h]), Cell.of(det.previousToken()[l][h]),
                        Cell.of(det.duplicateToken()[l][h]), Cell.of(det.induction()[l][h])));
                heads.add(Json.object("layer", l, "head", h, "copying_score", copying[l][h], "prev_token_score", det.previousToken()[l][h],
                        "duplicate_token_score", det.duplicateToken()[l][h], "induction_score", det.induction()[l][h]));
            }
        }
        summary.put("induction", Json.object("layers", c.nLayers(),
                "previous_token_head", Json.object("layer", 0, "head", prev, "score", det.previousToken()[0][prev]),
                "induction_head", Json.object("layer", 1, "head", ind, "score", det.induction()[1][ind]),
                "composition", Json.object("k", kc, "q", qc, "v", vc, "baseline", comp.baseline()),
                "loss_first_halves", first, "loss_repeated_halves", repeated, "heads", heads));
        sections.add(new Section.Table("Head scores of the two-layer model", List.of(Section.Table.Column.plain("head"),
                Section.Table.Column.heat("copying score", new ValueRange(-1, 1)),
                Section.Table.Column.heat("previous-token", ValueRange.PROBABILITY),
                Section.Table.Column.heat("duplicate-token", ValueRange.PROBABILITY),
                Section.Table.Column.heat("induction", ValueRange.PROBABILITY)), rows));
        int[] sample = det.tokens()[0];
        List<String> labels = AttentionPatterns.labels(m, sample);
        List<AttentionHead> patterns = AttentionPatterns.of(m, sample);
        sections.add(new Section.Attention("Attention patterns on one repeated random sequence", labels, patterns));
        Path png = out.resolve("png");
        written.addAll(AttentionPatterns.writePngs(labels, patterns, png));
        for (Composition.Kind kind : Composition.Kind.values()) {
            Section.Matrix matrix = CircuitsReport.compositionMatrix(comp, c, kind);
            sections.add(matrix);
            Path f = png.resolve("composition-" + kind.name().toLowerCase(Locale.ROOT) + ".png");
            PngHeatmap.write(matrix, f);
            written.add(f);
        }
    }

    /** Which planted relation an entry reads, e.g. "A -> C of 11 ... 18 -> 28" (source A raises C), or "". */
    private static String role(SkipTrigrams planted, SkipTrigram s) {
        for (SkipTrigrams.Triple p : planted.triples()) {
            String triple = " of " + p.a() + " ... " + p.b() + " -> " + p.c();
            if (s.source() == p.a() && s.output() == p.c()) return (s.destination() == p.b() ? "planted" : "A -> C") + triple;
            if (s.source() == p.a() && s.output() == p.b()) return "A -> B" + triple;
            if (s.source() == p.b() && s.output() == p.c()) return "B -> C" + triple;
        }
        return "";
    }

    /** True when some head's OV circuit row A (W_E W_V W_O W_U' [A, :]) has its largest entry at C. */
    private static boolean strongestOutputIsC(Circuits circuits, int heads, SkipTrigrams.Triple p) {
        for (int h = 0; h < heads; h++) {
            if (argmax(circuits.ovCircuit(0, h).row(p.a())) == p.c()) return true;
        }
        return false;
    }

    /** Per-target cross-entropy −ln softmax(logits)[target], [size·nCtx]. */
    private static double[] tokenLoss(ModelFile m, RepeatedTokens rep) {
        int b = rep.batch().size(), n = rep.batch().nCtx(), v = m.config().dVocab();
        int[] in = rep.batch().inputs(), target = rep.batch().targets();
        int[][] rows = new int[b][];
        for (int i = 0; i < b; i++) rows[i] = Arrays.copyOfRange(in, i * n, (i + 1) * n);
        Tensor logits = m.transformer().forward(rows); // [b, n, v]
        double[] loss = new double[b * n];
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < n; p++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < v; k++) max = Math.max(max, logits.get(i, p, k));
                for (int k = 0; k < v; k++) sum += Math.exp(logits.get(i, p, k) - max);
                loss[i * n + p] = max + Math.log(sum) - logits.get(i, p, target[i * n + p]);
            }
        }
        return loss;
    }

    private static double mean(double[] x, boolean[] mask) {
        double s = 0;
        int count = 0;
        for (int i = 0; i < x.length; i++) {
            if (mask[i]) {
                s += x[i];
                count++;
            }
        }
        return s / Math.max(1, count);
    }

    /** Pearson correlation of x and y. */
    private static double correlation(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private static double[][] head(double[][] m, int n) {
        return Stream.of(m).limit(n).map(r -> Arrays.copyOf(r, n)).toArray(double[][]::new);
    }

    private static String scores(double[] x) {
        List<String> parts = new ArrayList<>();
        for (int h = 0; h < x.length; h++) parts.add(String.format(Locale.ROOT, "L0H%d %.3f", h, x[h]));
        return String.join("  ", parts);
    }
}
