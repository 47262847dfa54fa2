package org.vecformer.cli.command.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import org.vecformer.model.analysis.Statistics;
import org.vecformer.model.circuits.BigramTable;
import org.vecformer.model.circuits.CircuitWeights;
import org.vecformer.model.circuits.Circuits;
import org.vecformer.model.circuits.Composition;
import org.vecformer.model.circuits.HeadDetector;
import org.vecformer.model.circuits.InductionPair;
import org.vecformer.model.circuits.PlantedPrediction;
import org.vecformer.model.circuits.PlantedSkipTrigram;
import org.vecformer.model.circuits.RepeatedHalvesLoss;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.data.BigramTask;
import org.vecformer.model.data.Corpus;
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
import org.vecformer.cli.command.ThreadsOption;
import org.vecformer.cli.command.analysis.AttentionPatterns;
import org.vecformer.cli.command.analysis.CircuitsReport;

/**
 * {@code vecformer demo}: the paper in three runs with the train command's defaults — a zero-layer model learns the
 * bigram table in its direct path, a one-layer model learns planted skip-trigrams, a two-layer model forms a
 * previous-token head and an induction head joined by K-composition. Prints the numbers and writes the models,
 * loss curves, an HTML report, PNG heatmaps and the numbers as {@code summary.json} into one directory. With
 * {@code --text PATH...} the three runs are on real text instead ({@link TextDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train zero-, one- and two-layer models on bigram, skip-trigram and induction data and show their circuits (about 15 s on a quiet 2-core machine);"
                + " with --text PATH... on your text instead (a BPE tokenizer, then the three models within --minutes).")
public final class DemoCommand implements Callable<Integer> {
    /** Weight of the previous average in the train-loss moving average of the loss charts: s_t = 0.9 s_{t−1} + 0.1 loss_t. */
    static final double EMA = 0.9;
    /** Head scores at or above this name a head a previous-token or induction head in the narrative. */
    static final double HEAD_THRESHOLD = 0.5;
    /** Random filler contexts per planted skip-trigram in which the model's prediction at B is measured. */
    static final int PREDICTION_SAMPLES = 32;

    @Spec
    CommandSpec spec;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "vecformer-demo", description = "Directory to write into (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the initialisations and the data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    TextDemoOptions text;

    @Option(names = "--json", description = "Print the summary (summary.json) on standard output; the narrative goes to standard error.")
    boolean json;

    /**
     * The skip-trigram run: context 32 instead of 64 (the same one planted triple per sequence in half the tokens) and
     * SKIP_TRIGRAM_STEPS steps. Each B with its two triples is learnt in its own sudden drop; with the train defaults
     * (600 steps at context 64) seeds 1-3 had learnt 0 of 6, 0 of 6 and 4 of 6 triples (the model's P(C) at B stayed
     * 0.5 between B's two C's).
     */
    static final int SKIP_TRIGRAM_CTX = 32;
    static final int SKIP_TRIGRAM_STEPS = 2000;

    /** Fraction of each default training budget (tests run a few steps). */
    @Option(names = "--steps-scale", hidden = true, defaultValue = "1")
    double stepsScale;

    private PrintWriter o;
    private int nThreads;
    private final List<Section> sections = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    /** The numbers of the three parts, written as summary.json. */
    private final Map<String, Object> summary = new LinkedHashMap<>();

    /** A trained model with its task data and its loss chart (shown after the part's text). */
    private record Trained(ModelFile model, TrainTask.Data data, Section.LossCurves loss) {}

    @Override
    public Integer call() throws IOException {
        nThreads = threads.apply();
        if (!(stepsScale > 0 && stepsScale <= 1)) throw new UsageException("--steps-scale must be in (0, 1], not " + stepsScale);
        TextDemo.Settings textSettings = null;
        Corpus corpus = null;
        if (text.text == null) {
            text.refuseWithoutText();
        } else {
            textSettings = text.settings();
            corpus = TextDemo.corpus(text.text);
        }
        OutputPaths.directory("--out", out);
        OutputPaths.create(out);
        o = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        summary.put("seed", seed);
        summary.put("threads", nThreads);
        long start = System.nanoTime();
        String subtitle;
        if (textSettings == null) {
            bigrams();
            skipTrigrams();
            induction();
            subtitle = "Elhage et al. 2021, A Mathematical Framework for Transformer Circuits, in three runs (seed " + seed + ")";
        } else {
            summary.put("text", textSettings.textPaths());
            summary.put("config", Json.object("d_model", textSettings.dModel(), "heads", textSettings.heads(), "d_head",
                    textSettings.dModel() / textSettings.heads(), "n_ctx", textSettings.ctx(), "batch", textSettings.batch(), "lr", textSettings.lr(),
                    "positional_embedding_type", textSettings.positional().tlName()));
            new TextDemo(textSettings, out, seed, nThreads, o, spec.commandLine().getErr(), sections, written, summary).run(corpus);
            subtitle = "Zero-, one- and two-layer attention-only models on " + textSettings.textNames() + " (seed " + seed + ")";
        }
        Path html = out.resolve("report.html");
        HtmlReport.write(new Report("vecformer demo", subtitle, sections), html);
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
        return train(task, title, 64, TrainTask.defaultSteps(task));
    }

    /**
     * Trains the task's default model (1 layer for skip-trigrams, …; d_model 64, 4 heads of 16) with context {@code nCtx}
     * for {@code steps} steps (times --steps-scale), writes model, loss CSV and checkpoint, and adds the run's loss chart.
     */
    private Trained train(String task, String title, int nCtx, int steps) throws IOException {
        o.printf("%n== %s ==%n", title);
        int vocab = TrainTask.defaultVocab(task);
        TrainConfig tc = TrainConfig.of(Math.max(1, (int) Math.round(steps * stepsScale)), 32, 2e-3, seed);
        TrainTask t = new TrainTask(task, List.of(), null, vocab, nCtx, seed);
        TrainTask.Data d = t.open(tc.evalSize());
        Config c = Config.of(TrainTask.defaultLayers(task), 64, 4, 16, nCtx, vocab);
        Trainer trainer = new Trainer(Weights.init(c, seed, tc.initStd()), tc, d.train(), d.heldOut());
        Path model = out.resolve(task + ".safetensors"), csv = out.resolve(task + ".loss.csv"), ckpt = out.resolve(task + ".ckpt.safetensors");
        List<Trainer.Progress> progress = new ArrayList<>();
        TrainCommand.train(o, spec.commandLine().getErr(), trainer, t, d, csv, ckpt, model, nThreads, progress::add);
        written.addAll(List.of(model, csv, ckpt));
        return new Trained(new ModelFile(trainer.weights(), Optional.empty()), d,
                lossChart("Loss of the " + c.nLayers() + "-layer model on " + task + " data", vocab, progress));
    }

    /**
     * The run's loss: the training loss of every step (pale), its exponential moving average {@link #EMA}, the held-out
     * loss at each evaluation (dots), and ln d_vocab (dashed), the loss of a uniform guess.
     */
    static Section.LossCurves lossChart(String title, int dVocab, List<Trainer.Progress> progress) {
        int n = progress.size();
        long[] steps = new long[n];
        double[] train = new double[n];
        List<Long> evalSteps = new ArrayList<>();
        List<Double> heldOut = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Trainer.Progress p = progress.get(i);
            steps[i] = p.step();
            train[i] = p.trainLoss();
            if (!Double.isNaN(p.heldOutLoss())) {
                evalSteps.add((long) p.step());
                heldOut.add(p.heldOutLoss());
            }
        }
        double[] ema = Statistics.ema(train, EMA);
        String caption = String.format(Locale.ROOT, "Pale: the training loss of every step (one batch). Solid: its exponential moving "
                + "average s_t = %.1f·s_{t−1} + %.1f·loss_t (s_1 = loss_1). Dots: the held-out loss on a fixed batch, every %s steps. "
                + "Dashed: ln %d = %.2f nats, the loss of a uniform guess over the vocabulary.", EMA, 1 - EMA,
                evalSteps.size() > 1 ? Long.toString(evalSteps.get(1) - evalSteps.get(0)) : "few", dVocab, Math.log(dVocab));
        return new Section.LossCurves(title, caption, "loss (nats)", false, List.of(
                new Series("train, every step", steps, train, Series.Style.FAINT, 0),
                new Series(String.format(Locale.ROOT, "train, EMA %.1f", EMA), steps, ema, Series.Style.LINE, 0),
                new Series("held-out", evalSteps.stream().mapToLong(Long::longValue).toArray(),
                        heldOut.stream().mapToDouble(Double::doubleValue).toArray(), Series.Style.POINTS, 1)),
                List.of(new Section.LossCurves.Reference(String.format(Locale.ROOT, "ln %d = %.2f (uniform guess)", dVocab, Math.log(dVocab)),
                        Math.log(dVocab))));
    }

    /** Part 1: the direct path of a zero-layer model against the true bigram table. */
    private void bigrams() throws IOException {
        Trained t = train("bigram", "1. zero layers on bigram data: the direct path is the bigram table");
        BigramChain chain = ((BigramTask) t.data().train()).chain();
        int v = chain.dVocab();
        BigramTable table = BigramTable.of(t.model().transformer(), chain);
        double kl = table.meanKl(), r = table.logProbCorrelation();
        o.printf("mean KL(true || model)                   %8.4f nats  (model: softmax of the direct path W_E W_U + b_U, through ln_final)%n", kl);
        o.printf("correlation of true and model log-probs  %8.4f  (over all %d x %d bigrams)%n", r, v, v);
        o.println("what this shows: with no attention the model can only learn a bigram table, and W_E W_U holds it.");
        summary.put("bigram", Json.object("layers", 0, "d_vocab", v, "mean_kl", kl, "log_prob_correlation", r));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < v; i++) labels.add(Integer.toString(i));
        sections.add(new Section.Text("1. Zero layers: the direct path is the bigram table", List.of(String.format(Locale.ROOT,
                "Zero layers: the logits are the direct path W_E W_U + b_U (through the final layer norm). Mean KL(true ‖ model) = %.4f nats; correlation of true and model log-probabilities = %.4f.", kl, r))));
        sections.add(t.loss());
        sections.add(new Section.Matrix("P(next | current): the true bigram table and the model's", String.format(Locale.ROOT,
                "All %d tokens. Left: the chain the data was drawn from. Right: softmax of the zero-layer model's logits W_E W_U + b_U "
                        + "(through the final layer norm). Row: the current token; column: the next token; each row sums to 1.", v),
                new Section.Matrix.Axes("current token", "next token"), List.of(new Section.Matrix.Panel("true", labels, labels, table.truth()),
                new Section.Matrix.Panel("model", labels, labels, table.model())), ValueRange.PROBABILITY, Section.Matrix.Mask.NONE, false));
    }

    /** Part 2: the planted skip-trigrams read from a one-layer model's QK and OV circuits, its predictions, and its copying scores. */
    private void skipTrigrams() throws IOException {
        Trained t = train("skip-trigram", "2. one layer on skip-trigram data: heads read as skip-trigrams", SKIP_TRIGRAM_CTX, SKIP_TRIGRAM_STEPS);
        SkipTrigrams planted = ((SkipTrigramTask) t.data().train()).planted();
        Circuits circuits = new Circuits(CircuitWeights.of(t.model().weights()));
        Config c = t.model().config();
        int k = planted.triples().size();
        List<PlantedSkipTrigram> reading = PlantedSkipTrigram.of(circuits, 0, planted);
        List<PlantedPrediction> prediction = PlantedPrediction.of(t.model().transformer(), planted, PREDICTION_SAMPLES, seed);
        long found = reading.stream().filter(PlantedSkipTrigram::found).count();
        long predicted = prediction.stream().filter(p -> p.top1Share() > 0.5).count();
        double[][] copying = circuits.copyingScores();
        int fillers = planted.fillers().length;
        o.printf("planted skip-trigrams recovered  %d of %d  (read from the circuits: B's query scores A above all %d fillers, and A's OV row raises C more than B's other A's do)%n",
                found, k, fillers);
        o.printf("model predicts C at B after A     %d of %d  (top-1 in most of %d random filler contexts)%n", predicted, k, PREDICTION_SAMPLES);
        o.println("planted A ... B -> C   head  QK rank of A  OV rank of C  OV margin  found   model P(C)");
        List<List<Cell>> rows = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            PlantedSkipTrigram p = reading.get(i);
            SkipTrigrams.Triple tr = p.triple();
            String triple = tr.a() + " … " + tr.b() + " → " + tr.c();
            o.printf("  %2d ... %2d -> %2d      L0H%d  %2d of %-2d      %-12s  %9s  %-6s  %.2f%n", tr.a(), tr.b(), tr.c(), p.head(), p.qkRank(),
                    fillers + 1, p.attendingHeads() == 0 ? "-" : p.ovRank() + " of " + siblings(planted, tr), margin(p), p.found() ? "yes" : "no",
                    prediction.get(i).meanProbability());
            rows.add(List.of(Cell.of(triple), Cell.of("L0H" + p.head()), Cell.of(p.qkRank() + " of " + (fillers + 1)), Cell.of(p.attendingHeads()),
                    Cell.of(p.attendingHeads() == 0 ? "–" : p.ovRank() + " of " + siblings(planted, tr)), Cell.of(margin(p)),
                    Cell.of(p.found() ? "found" : "not found"), Cell.of(prediction.get(i).meanProbability(), 2), Cell.of(prediction.get(i).top1Share(), 2)));
            json.add(Json.object("a", tr.a(), "b", tr.b(), "c", tr.c(), "head", p.head(), "qk_rank", p.qkRank(), "attending_heads", p.attendingHeads(),
                    "ov_rank", p.ovRank(), "ov_margin", Double.isNaN(p.ovMargin()) ? null : p.ovMargin(), "found", p.found(),
                    "model_p_c", prediction.get(i).meanProbability(), "model_top1_c", prediction.get(i).top1Share()));
        }
        o.printf("copying score per head (Σλ / Σ|λ| of the OV circuit's eigenvalues):  %s%n", scores(copying[0]));
        o.println("what this shows: a one-layer head is read as skip-trigrams straight from its QK circuit (B attends to A) and its OV");
        o.println("  circuit (A raises C); with two triples per B, A must raise its own C more than B's other A does.");
        summary.put("skip_trigram", Json.object("layers", 1, "n_ctx", c.nCtx(), "planted", json, "recovered", found, "predicted", predicted,
                "copying_scores", copying[0]));
        sections.add(new Section.Text("2. One layer: skip-trigrams", List.of(String.format(Locale.ROOT,
                "%d of %d planted skip-trigrams A … B → C are found in the circuits, and the model predicts C after A … B in %d of %d. "
                        + "Each B has %d triples with their own A and C, so what follows B depends on which A came before; the other "
                        + "%d tokens are fillers.", found, k, predicted, k, k / Math.max(1, (int) planted.triples().stream().map(SkipTrigrams.Triple::b).distinct().count()),
                fillers), "How a triple is read: the QK circuit W_E W_Q W_Kᵀ W_Eᵀ must let B's query score A above every filler (QK rank 1; "
                        + "the heads where it does are the attending heads), and the OV circuit W_E W_V W_O W_U, summed over the attending "
                        + "heads, must raise C more from A than from B's other A's (OV rank 1 among B's planted outputs, by a margin of at "
                        + "least 1% of the spread of A's OV row; the margin is in logits without the layer-norm scale). The direct path and B itself can raise all of B's outputs alike, so only "
                        + "that difference tells them apart. Model P(C): the model's probability of C at B, mean over " + PREDICTION_SAMPLES
                        + " random filler contexts with A near the start and B later; top-1: the share of them where C is the most likely next token.")));
        sections.add(t.loss());
        sections.add(new Section.Table("Planted skip-trigrams and what the model's circuits show", List.of(Section.Table.Column.plain("planted A … B → C"),
                Section.Table.Column.plain("head"), Section.Table.Column.plain("QK rank of A (among A + fillers)"),
                Section.Table.Column.plain("attending heads"), Section.Table.Column.plain("OV rank of C (among B's outputs)"),
                Section.Table.Column.plain("OV margin"), Section.Table.Column.plain("circuits"),
                Section.Table.Column.heat("model P(C)", ValueRange.PROBABILITY), Section.Table.Column.heat("top-1 share", ValueRange.PROBABILITY)), rows));
        List<List<Cell>> copyRows = new ArrayList<>();
        for (int h = 0; h < c.nHeads(); h++) copyRows.add(List.of(Cell.of("L0H" + h), Cell.of(copying[0][h])));
        sections.add(new Section.Table("Copying scores of the one-layer model", List.of(Section.Table.Column.plain("head"),
                Section.Table.Column.heat("copying score", new ValueRange(-1, 1))), copyRows));
    }

    private static int siblings(SkipTrigrams planted, SkipTrigrams.Triple t) {
        return (int) planted.triples().stream().filter(s -> s.b() == t.b()).count();
    }

    private static String margin(PlantedSkipTrigram p) {
        return Double.isNaN(p.ovMargin()) ? "–" : String.format(Locale.ROOT, "%+.3g", p.ovMargin());
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
        InductionPair pair = InductionPair.of(det, comp);
        int prev = pair.h1(), ind = pair.h2();
        double kc = pair.k(), qc = pair.q(), vc = pair.v();
        RepeatedHalvesLoss loss = RepeatedHalvesLoss.of(m.transformer(), RepeatedTokens.sample(c.dVocab(), c.nCtx(), 16, seed + 1));
        double repeated = loss.repeatedHalves(), first = loss.firstHalves();
        List<String> prevHeads = above(det.previousToken(), 0, c.nLayers() - 1), indHeads = above(det.induction(), 1, c.nLayers());
        List<Composition.Link> strongest = comp.strongestOfEachKind();
        o.printf("previous-token head  L0H%d  score %.3f%n", prev, det.previousToken()[0][prev]);
        o.printf("induction head       L1H%d  score %.3f%n", ind, det.induction()[1][ind]);
        o.printf("previous-token heads (score >= %.1f): %s%n", HEAD_THRESHOLD, prevHeads.isEmpty() ? "none" : String.join(", ", prevHeads));
        o.printf("induction heads (score >= %.1f):      %s%n", HEAD_THRESHOLD, indHeads.isEmpty() ? "none" : String.join(", ", indHeads));
        o.printf("composition L0H%d -> L1H%d   K %.3f   Q %.3f   V %.3f   random baseline %.3f%n", prev, ind, kc, qc, vc, comp.baseline());
        for (Composition.Link link : strongest) {
            o.printf("strongest %s-composition  L%dH%d -> L%dH%d  %.3f  (%.1fx baseline)%n", link.kind(), link.l1(), link.h1(), link.l2(), link.h2(),
                    link.score(), link.score() / comp.baseline());
        }
        o.printf("loss on first halves     %.3f nats  (ln %d = %.3f: unpredictable)%n", first, c.dVocab(), Math.log(c.dVocab()));
        o.printf("loss on repeated halves  %.3f nats%n", repeated);
        o.println("what this shows: induction heads find their key through a previous-token head's output (K-composition) and copy the token that came next.");
        List<String> strongestText = new ArrayList<>();
        for (Composition.Link link : strongest) {
            strongestText.add(String.format(Locale.ROOT, "%s L%dH%d → L%dH%d %.3f (%.1f× the baseline)", link.kind(), link.l1(), link.h1(), link.l2(),
                    link.h2(), link.score(), link.score() / comp.baseline()));
        }
        sections.add(new Section.Text("3. Two layers: induction", List.of(
                String.format(Locale.ROOT, "Previous-token heads (score ≥ %.1f): %s. Induction heads (score ≥ %.1f): %s.", HEAD_THRESHOLD,
                        prevHeads.isEmpty() ? "none" : String.join(", ", prevHeads), HEAD_THRESHOLD, indHeads.isEmpty() ? "none" : String.join(", ", indHeads)),
                String.format(Locale.ROOT, "Strongest composition of each kind, against a random baseline of %.3f: %s. From the best previous-token head "
                        + "L0H%d into the best induction head L1H%d: K %.3f, Q %.3f, V %.3f.", comp.baseline(), String.join("; ", strongestText), prev, ind,
                        kc, qc, vc),
                String.format(Locale.ROOT, "Loss on the repeated halves of [r, r] sequences %.3f nats against %.3f on the first halves (ln %d = %.3f).",
                        repeated, first, c.dVocab(), Math.log(c.dVocab())))));
        sections.add(t.loss());
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
                "previous_token_heads", prevHeads, "induction_heads", indHeads, "head_threshold", HEAD_THRESHOLD,
                "strongest_composition", strongest.stream().map(link -> Json.object("kind", link.kind().name(), "layer1", link.l1(),
                        "head1", link.h1(), "layer2", link.l2(), "head2", link.h2(), "score", link.score())).toList(),
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
        Section.Matrix composition = CircuitsReport.compositionMatrix(comp, c);
        sections.add(composition);
        Path f = png.resolve("composition.png");
        PngHeatmap.write(composition, f);
        written.add(f);
    }

    /** "L0H2 0.978" for every head of layers [from, to) whose score is at least {@link #HEAD_THRESHOLD}, best first. */
    private static List<String> above(double[][] score, int from, int to) {
        return HeadDetector.atLeast(score, from, to, HEAD_THRESHOLD).stream()
                .map(x -> String.format(Locale.ROOT, "L%dH%d %.3f", x.layer(), x.head(), x.score())).toList();
    }

    private static String scores(double[] x) {
        List<String> parts = new ArrayList<>();
        for (int h = 0; h < x.length; h++) parts.add(String.format(Locale.ROOT, "L0H%d %.3f", h, x[h]));
        return String.join("  ", parts);
    }
}
