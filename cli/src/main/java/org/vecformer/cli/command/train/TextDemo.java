package org.vecformer.cli.command.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.Words;
import org.vecformer.cli.command.analysis.CircuitsSeries;
import org.vecformer.cli.command.data.TokenizerTrainCommand;
import org.vecformer.cli.render.AtomicWrite;
import org.vecformer.cli.render.Cell;
import org.vecformer.cli.render.Json;
import org.vecformer.cli.render.PngLineChart;
import org.vecformer.cli.render.Section;
import org.vecformer.cli.render.ValueRange;
import org.vecformer.model.circuits.CircuitEntries;
import org.vecformer.model.circuits.CircuitWeights;
import org.vecformer.model.circuits.Circuits;
import org.vecformer.model.circuits.HeadDetector;
import org.vecformer.model.circuits.NextTokenTable;
import org.vecformer.model.circuits.SkipTrigram;
import org.vecformer.model.circuits.SnapshotScores;
import org.vecformer.model.circuits.TextSample;
import org.vecformer.model.circuits.TokenFrequency;
import org.vecformer.model.data.Corpus;
import org.vecformer.model.data.DataFileException;
import org.vecformer.model.data.TokenCache;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.io.Snapshots;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.BpeTrainer;
import org.vecformer.model.tokenize.TrainedBpe;
import org.vecformer.model.train.TrainConfig;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * {@code vecformer demo --text PATH...}: the three runs of the demo on real text. A byte-level BPE tokenizer is trained
 * on the corpus of all the PATHs, then a 0-, a 1- and a 2-layer attention-only model of one shape (d_model, heads, n_ctx, batch, lr and
 * positional embedding from the options) on its ids through the token cache. The report shows the 0-layer model's bigram table in the rows of the
 * most frequent tokens, the 1-layer model's strongest skip-trigrams among the tokens the text uses (and among whole words), per head the
 * copying score and the previous-token / induction scores on held-out text and on random tokens, and the 2-layer
 * run's snapshots scored against tokens seen.
 *
 * <p>The budget: {@link #TRAIN_FRACTION} of {@code --minutes} from the start goes to the tokenizer, the cache, the
 * timing, the training and the analysis of the first two runs; the rest is left for the 2-layer run's analysis and
 * snapshot scores. Training is split {@link #SHARES} (10% / 20% / 70%) between the 0-, 1- and 2-layer run: each run
 * takes its share of what is left when it starts ({@link #planned}), divided by its seconds per step. Those are timed
 * on a throw-away model of each shape after {@link #WARM_UP_STEPS} warm-up steps, over at least
 * {@link #CALIBRATION_STEPS} steps and one second (at most {@link #CALIBRATION_MAX_STEPS}), in two passes over the
 * three shapes of which the second is kept (the first warms up the JIT), and scaled by how much slower the run
 * before went than its timing said (evaluations, checkpoints, a busier machine). Never by how much faster: a run that
 * beats its timing shows that its own timing read slow (a compile or a collection fell into it), which says nothing
 * about the next shape. On the dictionary a 1-layer timing of 0.0213 s/step, slower than the 2-layer's 0.0198, had
 * the 2-layer run planned at 0.0125 s/step, 60% more steps than its share. The steps are printed and
 * stored in summary.json; the hidden {@code --steps S0,S1,S2} repeats a run exactly.
 */
final class TextDemo {
    /** Share of the budget spent training (the rest: tokenizer, cache, calibration, analysis). */
    static final double TRAIN_FRACTION = 0.9;
    /** Shares of the training budget of the 0-, 1- and 2-layer run. */
    static final double[] SHARES = {0.1, 0.2, 0.7};
    /** Calibration: steps untimed (JIT warm-up), then steps timed until at least 3 and 1 s, at most 50. */
    static final int WARM_UP_STEPS = 2, CALIBRATION_STEPS = 3, CALIBRATION_MAX_STEPS = 50, CALIBRATION_RUN = 1000;
    static final long CALIBRATION_NANOS = 1_000_000_000L;
    /** A head whose score on held-out text is at least this is named a previous-token or induction head. */
    static final double HEAD_THRESHOLD = 0.2;
    /** Evenly spaced snapshots of the 2-layer run (besides the initial one and the {@link #snapshotAt early} ones). */
    static final int SNAPSHOTS = 8;
    /** Rows of the bigram table (the most frequent tokens) and skip-trigrams listed; next tokens per row. */
    static final int TOP = 16, NEXT = 3;
    /** Skip-trigrams are read among the tokens making up at least this share of the training text ({@link TokenFrequency#used}). */
    static final double USED_SHARE = 1e-5;
    /**
     * A word token: a space and two or more letters, the start of a word as byte-level BPE splits text (pieces without the
     * space are mostly word fragments, "uthor" or "ecut").
     */
    static final Pattern WORD = Pattern.compile(" \\p{L}{2,}");
    /** Held-out ids scored, at most. */
    static final int SAMPLE_MAX = 1 << 16;
    /** Training ids counted for the token frequencies, at most (from the start of the cache). */
    static final long FREQUENCY_MAX = 1 << 22;
    /** Sequences per head score. */
    static final int SCORE_BATCH = 8;

    /** The options with their defaults; {@code text} the corpus paths; {@code steps} is null unless given. */
    record Settings(List<Path> text, double minutes, int vocab, int dModel, int heads, int ctx, int batch, double lr, PositionalEmbedding positional,
                    int[] steps) {
        Settings {
            text = List.copyOf(text);
        }

        /** The corpus paths as strings, as summary.json lists them. */
        List<String> textPaths() {
            return text.stream().map(Path::toString).toList();
        }

        /** The corpus paths as the narrative and the report name them: "a.txt, docs". */
        String textNames() {
            return String.join(", ", textPaths());
        }
    }

    private record Trained(ModelFile model, Section.LossCurves loss, double heldOut, long tokens) {}

    private final Settings s;
    private final Path out;
    private final long seed;
    private final int nThreads;
    private final PrintWriter o, err;
    private final List<Section> sections;
    private final List<Path> written;
    private final Map<String, Object> summary;
    private BpeTokenizer bpe;
    private TokenCache cache;
    private TrainTask task;

    TextDemo(Settings s, Path out, long seed, int nThreads, PrintWriter o, PrintWriter err, List<Section> sections, List<Path> written,
             Map<String, Object> summary) {
        this.s = s;
        this.out = out;
        this.seed = seed;
        this.nThreads = nThreads;
        this.o = o;
        this.err = err;
        this.sections = sections;
        this.written = written;
        this.summary = summary;
    }

    /** Checks the corpus of all {@code text} paths before anything is written: each exists, together they hold UTF-8 text (a usage error otherwise). */
    static Corpus corpus(List<Path> text) {
        for (Path p : text) {
            if (!Files.exists(p)) throw new UsageException("--text " + p + ": no such file or directory");
        }
        Corpus corpus;
        try {
            corpus = Corpus.scan(text);
        } catch (DataFileException e) {
            throw new UsageException("--text " + e.getMessage());
        }
        if (corpus.bytesOnDisk() == 0) {
            throw new UsageException("--text " + String.join(" ", text.stream().map(Path::toString).toList()) + " is empty; give a file or directory with text in it");
        }
        return corpus;
    }

    /** Trains the tokenizer and the three models and adds their sections and numbers. */
    void run(Corpus corpus) throws IOException {
        long start = System.nanoTime();
        tokenizer(corpus);
        double[] secondsPerStep = s.steps() == null ? calibrate(start) : null;
        long end = start + (long) (s.minutes() * 60e9 * TRAIN_FRACTION);
        TextSample sample = heldOutSample();
        int[] counted = counted();
        TokenFrequency frequency = TokenFrequency.of(counted, bpe.vocabSize());
        int[] steps = new int[3];
        double load = 1;
        for (int layers = 0; layers < 3; layers++) {
            steps[layers] = secondsPerStep == null ? s.steps()[layers] : planned(layers, end, secondsPerStep[layers], load);
            long t0 = System.nanoTime();
            Trained t = train(layers, steps[layers]);
            if (secondsPerStep != null) load = load((System.nanoTime() - t0) * 1e-9, steps[layers], secondsPerStep[layers]);
            switch (layers) {
                case 0 -> directPath(t, frequency);
                case 1 -> skipTrigrams(t, frequency, counted, sample);
                default -> induction(t, sample, steps[layers]);
            }
        }
        summary.put("steps", steps);
    }

    /**
     * How much slower a run of {@code steps} steps went than its timing said: max(1, measured / (steps · timed)). Never
     * below 1 (see the class comment: a run that beats its timing says its timing read slow, not that the machine sped up).
     */
    static double load(double measuredSeconds, int steps, double timedSecondsPerStep) {
        return Math.max(1, measuredSeconds / (steps * timedSecondsPerStep));
    }

    /**
     * Steps of run {@code layers}: its share of what is left of the training budget (SHARES[i] / Σ_{j ≥ i} SHARES[j]
     * of the seconds until {@code end}) over its timed seconds per step times {@code load}, the ratio of measured to
     * timed seconds per step of the run before when above 1 (else 1, and 1 for the first), so a machine busier than at
     * the timing moves the later runs' steps.
     */
    private int planned(int layers, long end, double secondsPerStep, double load) {
        double left = Math.max(0, (end - System.nanoTime()) * 1e-9), rest = 0;
        for (int j = layers; j < SHARES.length; j++) rest += SHARES[j];
        double share = SHARES[layers] / rest;
        int steps = (int) Math.max(1, Math.floor(share * left / (secondsPerStep * load)));
        o.printf("%nbudget: %.0f s of training left, %.0f%% of it for the %d-layer model at %.3g s/step (timed %.3g × %.2f, the run before's measured"
                + " over timed, at least 1): %,d steps%n", left, 100 * share, layers, secondsPerStep * load, secondsPerStep, load, steps);
        return steps;
    }

    private void tokenizer(Corpus corpus) throws IOException {
        o.printf("%n== tokenizer: byte-level BPE, %,d tokens ==%n", s.vocab());
        TokenizerTrainCommand.warnCorpus(err, corpus);
        long t0 = System.nanoTime();
        TrainedBpe trained = TokenizerTrainCommand.merge(TokenizerTrainCommand.count(corpus, nThreads), s.vocab(), BpeTrainer.DEFAULT_SPECIALS);
        Path file = out.resolve("tokenizer.json");
        String json = trained.toJson();
        AtomicWrite.write(file, w -> w.write(json.getBytes(StandardCharsets.UTF_8)));
        written.add(file);
        bpe = trained.tokenizer();
        o.printf("trained %,d tokens on %s (%.1f MB on disk) in %.1f s; wrote %s%n", trained.vocabSize(), Words.plural(corpus.documents().size(), "document"),
                corpus.bytesOnDisk() / 1e6, (System.nanoTime() - t0) * 1e-9, file);
        task = new TrainTask("text", s.text().stream().map(Path::toAbsolutePath).toList(), file.toAbsolutePath(), bpe.vocabSize(), s.ctx(), seed);
        cache = task.cache(corpus, bpe, err);
        o.printf("%,d tokens in %s; the last %,d tokens held out%n", cache.count(), Words.plural(cache.documents(), "document"), cache.count() - cache.heldOutStart());
        summary.put("tokenizer", Json.object("file", file.toString(), "vocab", trained.vocabSize(), "merges", trained.merges().size()));
        summary.put("corpus", Json.object("paths", s.textPaths(), "documents", cache.documents(), "tokens", cache.count(),
                "held_out_tokens", cache.count() - cache.heldOutStart()));
    }

    private Config config(int layers) {
        return Config.of(layers, s.dModel(), s.heads(), s.dModel() / s.heads(), s.ctx(), bpe.vocabSize()).withPositionalEmbedding(s.positional());
    }

    /** Seconds per step of each of the three shapes (see the class comment). */
    private double[] calibrate(long start) {
        double[] secondsPerStep = new double[3];
        // two passes, the second one's timings kept: the first pass is where the JIT compiles the training code
        for (int pass = 0; pass < 2; pass++) for (int layers = 0; layers < 3; layers++) {
            // a run of CALIBRATION_RUN steps evaluates every CALIBRATION_RUN/10, after the steps timed here
            TrainConfig tc = TrainConfig.of(CALIBRATION_RUN, s.batch(), s.lr(), seed);
            Trainer t = new Trainer(Weights.init(config(layers), seed, tc.initStd()), tc, cache.training(s.ctx(), seed),
                    cache.heldOut(s.ctx(), seed + 1).next(1));
            for (int i = 0; i < WARM_UP_STEPS; i++) t.step();
            long t0 = System.nanoTime();
            int timed = 0;
            while (timed < CALIBRATION_STEPS || timed < CALIBRATION_MAX_STEPS && System.nanoTime() - t0 < CALIBRATION_NANOS) {
                t.step();
                timed++;
            }
            secondsPerStep[layers] = (System.nanoTime() - t0) * 1e-9 / timed;
        }
        double spent = (System.nanoTime() - start) * 1e-9, train = Math.max(0, s.minutes() * 60 * TRAIN_FRACTION - spent);
        o.printf("budget %.1f min: %.0f s of training after %.0f s of tokenizer, cache and timing, split %.0f/%.0f/%.0f%%; timed"
                        + " %.3g / %.3g / %.3g s per step%n", s.minutes(), train, spent, 100 * SHARES[0], 100 * SHARES[1], 100 * SHARES[2],
                secondsPerStep[0], secondsPerStep[1], secondsPerStep[2]);
        summary.put("budget", Json.object("minutes", s.minutes(), "train_seconds", train, "shares", SHARES, "seconds_per_step", secondsPerStep));
        return secondsPerStep;
    }

    private Trained train(int layers, int steps) throws IOException {
        o.printf("%n== %d-layer model on %s ==%n", layers, s.textNames());
        TrainConfig tc = TrainConfig.of(steps, s.batch(), s.lr(), seed);
        TrainTask.Data d = new TrainTask.Data(cache.training(s.ctx(), seed), cache.heldOut(s.ctx(), seed + 1).next(tc.evalSize()), Optional.of(bpe), 0);
        Trainer trainer = new Trainer(Weights.init(config(layers), seed, tc.initStd()), tc, d.train(), d.heldOut());
        String stem = "text-" + layers + "-layer";
        Path model = out.resolve(stem + ".safetensors"), csv = out.resolve(stem + ".loss.csv"), ckpt = out.resolve(stem + ".ckpt.safetensors");
        List<Trainer.Progress> progress = new ArrayList<>();
        Consumer<Trainer.Progress> listener = progress::add;
        if (layers == 2) listener = listener.andThen(TrainCommand.snapshotWriter(trainer, d, snapshots(), snapshotAt(steps)));
        TrainCommand.train(o, err, trainer, task, d, csv, ckpt, model, nThreads, listener);
        written.addAll(List.of(model, csv, ckpt));
        double heldOut = progress.getLast().heldOutLoss();
        return new Trained(new ModelFile(trainer.weights(), Optional.of(bpe)),
                DemoCommand.lossChart("Loss of the " + layers + "-layer model on " + s.textNames(), bpe.vocabSize(), progress), heldOut,
                (long) steps * s.batch() * s.ctx());
    }

    /**
     * The steps of a {@code steps}-step 2-layer run that write a snapshot: every {@code e = steps / SNAPSHOTS}, and
     * before the first of those at e/2, e/4 and e/8. On the dictionary an induction head went from nothing to 0.2
     * within the first eighth of the run, which evenly spaced snapshots drew as one straight line.
     */
    static IntPredicate snapshotAt(int steps) {
        int every = Math.max(1, steps / SNAPSHOTS);
        return step -> step % every == 0 || step == every >> 1 || step == every >> 2 || step == every >> 3;
    }

    private Path snapshots() throws IOException {
        Path dir = out.resolve("snapshots");
        if (Files.isDirectory(dir)) for (Snapshots.Entry e : Snapshots.list(dir)) Files.delete(e.path());
        Files.createDirectories(dir);
        return dir;
    }

    /** The first {@link #SAMPLE_MAX} held-out ids. */
    private TextSample heldOutSample() {
        long from = cache.heldOutStart(), to = Math.min(cache.count(), from + SAMPLE_MAX);
        int[] ids = new int[(int) (to - from)];
        for (int i = 0; i < ids.length; i++) ids[i] = cache.id(from + i);
        return new TextSample(ids);
    }

    /** The first {@link #FREQUENCY_MAX} training ids: the text the token counts and the whole words are read from. */
    private int[] counted() {
        int[] ids = new int[(int) Math.min(cache.heldOutStart(), FREQUENCY_MAX)];
        for (int i = 0; i < ids.length; i++) ids[i] = cache.id(i);
        return ids;
    }

    private String show(int id) {
        return Prompts.show(bpe, id);
    }

    /**
     * Part 1: the 0-layer model's bigram table (its direct path) in the rows of the {@link #TOP} tokens the training
     * text uses most, each with its {@link #NEXT} most likely next tokens.
     */
    private void directPath(Trained t, TokenFrequency frequency) {
        NextTokenTable table = NextTokenTable.of(t.model().transformer(), NextTokenTable.mostFrequent(frequency.counts(), TOP), NEXT);
        o.printf("the direct path's bigram table, rows of the %d most frequent tokens (current -> most likely next: probability):%n", TOP);
        List<List<Cell>> rows = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        for (NextTokenTable.Row row : table.rows()) {
            List<String> next = new ArrayList<>();
            for (int i = 0; i < row.next().length; i++) next.add(String.format(Locale.ROOT, "%s %.2f", show(row.next()[i]), row.probability()[i]));
            o.printf("  %-16s -> %s%n", show(row.current()), String.join("  ", next));
            List<Cell> cells = new ArrayList<>(List.of(Cell.of(show(row.current()))));
            for (String n : next) cells.add(Cell.of(n));
            rows.add(cells);
            json.add(Json.object("current", bpe.piece(row.current()), "current_id", row.current(),
                    "next", IntStream.of(row.next()).mapToObj(bpe::piece).toList(), "next_ids", row.next(), "probability", row.probability()));
        }
        o.printf("held-out loss %.4f nats (ln %d = %.2f: a uniform guess)%n", t.heldOut(), bpe.vocabSize(), Math.log(bpe.vocabSize()));
        summary.put("bigram", Json.object("layers", 0, "held_out_loss", t.heldOut(), "tokens_seen", t.tokens(), "rows", json));
        sections.add(new Section.Text("1. Zero layers: the direct path is a bigram table", List.of(String.format(Locale.ROOT,
                "With no attention the logits are W_E W_U + b_U of the current token alone: a bigram table over %,d BPE tokens. Held-out loss "
                        + "%.3f nats after %,d tokens seen (ln %d = %.2f for a uniform guess).", bpe.vocabSize(), t.heldOut(), t.tokens(),
                bpe.vocabSize(), Math.log(bpe.vocabSize())))));
        sections.add(t.loss());
        List<Section.Table.Column> columns = new ArrayList<>(List.of(Section.Table.Column.plain("current token")));
        for (int i = 1; i <= NEXT; i++) columns.add(Section.Table.Column.plain("next #" + i + ", probability"));
        sections.add(new Section.Table("The bigram table of the zero-layer model in the rows of the " + TOP + " most frequent tokens: "
                + "softmax of the logits of the one-token prompt [current]", columns, rows));
    }

    /**
     * Part 2: the 1-layer model's strongest skip-trigrams over all heads, twice: among every token the text uses (markup
     * included), and among whole words only (word starts, {@link #WORD}, that the text mostly ends there, {@link WholeWords}),
     * where skip-trigrams in the paper's sense ("keep … in → mind") show; then its head scores.
     */
    private void skipTrigrams(Trained t, TokenFrequency frequency, int[] counted, TextSample sample) {
        ModelFile m = t.model();
        CircuitWeights weights = CircuitWeights.of(m.weights());
        int[] used = frequency.used(USED_SHARE);
        int[] starts = IntStream.of(used).filter(id -> WORD.matcher(bpe.decode(id)).matches()).toArray();
        int[] words = WholeWords.of(counted, starts, bpe.vocabSize(), bpe::decode);
        List<Object> json = new ArrayList<>(), wordJson = new ArrayList<>();
        o.println("strongest skip-trigrams among the " + used.length + " tokens the text uses (source ... destination -> output, head, OV logit):");
        List<List<Cell>> rows = strongest(weights, used, json);
        o.println("among the " + words.length + " of them that are whole words (a space and letters, mostly followed by a word's end):");
        List<List<Cell>> wordRows = strongest(weights, words, wordJson);
        Heads heads = heads(weights, SnapshotScores.of(m.transformer(), Optional.of(sample), repeatLength(), SCORE_BATCH, seed));
        o.printf("held-out loss %.4f nats%n", t.heldOut());
        summary.put("skip_trigram", Json.object("layers", 1, "held_out_loss", t.heldOut(), "tokens_seen", t.tokens(), "top", json,
                "top_words", wordJson, "heads", heads.json()));
        sections.add(new Section.Text("2. One layer: skip-trigrams", List.of(String.format(Locale.ROOT,
                "Each head reads as skip-trigrams source … destination → output: the destination attends to the source (QK circuit) and the "
                        + "source raises the output's logit (OV circuit). Held-out loss %.3f nats after %,d tokens seen. %s", t.heldOut(), t.tokens(),
                heads.narrative()))));
        sections.add(t.loss());
        List<Section.Table.Column> columns = List.of(Section.Table.Column.plain("source … destination → output"), Section.Table.Column.plain("head"),
                Section.Table.Column.plain("OV logit"), Section.Table.Column.plain("QK score"));
        sections.add(new Section.Table(String.format(Locale.ROOT, "Strongest skip-trigrams of the one-layer model over all heads, among the %d "
                + "tokens that make up at least %.0e of the training text (and occur twice), so stray bytes stay out: the largest OV "
                + "entries W_E W_V W_O W_U [source][output], each with the destination whose query scores the source highest", used.length,
                USED_SHARE), columns, rows));
        sections.add(new Section.Table(String.format(Locale.ROOT, "The same among the %d of those tokens that are whole words: they start a word "
                + "(a space and letters) and the text ends the word after them at least half the time, so markup such as underlines and "
                + "indentation, and pieces of words (a start such as ' gener' that the text goes on into ' general' or ' genera'), stay out", words.length), columns, wordRows));
        sections.add(heads.table("Head scores of the one-layer model"));
    }

    /** The {@link #TOP} largest OV entries over all heads of the 1-layer model restricted to {@code tokens}: printed, as rows, and into {@code json}. */
    private List<List<Cell>> strongest(CircuitWeights weights, int[] tokens, List<Object> json) {
        if (tokens.length == 0) return List.of();
        Circuits view = new Circuits(weights.restrict(tokens));
        List<SkipTrigram> all = new ArrayList<>();
        for (List<SkipTrigram> head : CircuitEntries.of(view, TOP, 0, () -> {}).skipTrigrams()) all.addAll(head);
        all.sort(Comparator.comparingDouble(SkipTrigram::ov).reversed());
        List<List<Cell>> rows = new ArrayList<>();
        for (SkipTrigram tr : all.subList(0, Math.min(TOP, all.size()))) {
            o.printf("  %s ... %s -> %s   L0H%d  %.3g%n", show(tr.source()), show(tr.destination()), show(tr.output()), tr.head(), tr.ov());
            rows.add(List.of(Cell.of(show(tr.source()) + " … " + show(tr.destination()) + " → " + show(tr.output())), Cell.of("L0H" + tr.head()),
                    Cell.of(tr.ov()), Cell.of(tr.qk())));
            json.add(Json.object("head", tr.head(), "source", bpe.piece(tr.source()), "destination", bpe.piece(tr.destination()),
                    "output", bpe.piece(tr.output()), "source_id", tr.source(), "destination_id", tr.destination(), "output_id", tr.output(),
                    "ov", tr.ov(), "qk", tr.qk()));
        }
        return rows;
    }

    /** Part 3: the 2-layer model's head scores, and its snapshots' scores against tokens seen. */
    private void induction(Trained t, TextSample sample, int steps) throws IOException {
        List<CircuitsSeries.Point> points = new ArrayList<>();
        int n = repeatLength();
        for (Snapshots.Entry e : Snapshots.list(out.resolve("snapshots"))) {
            ModelFile m = ModelFile.load(e.path());
            points.add(new CircuitsSeries.Point(e, SnapshotScores.of(new Transformer(m.weights()), Optional.of(sample), n, SCORE_BATCH, seed)));
        }
        // the last snapshot is the trained model (the snapshot writer saves the last step), so its scores are the model's
        Heads heads = heads(CircuitWeights.of(t.model().weights()), points.getLast().scores());
        CircuitsSeries.Point best = points.getFirst();
        HeadDetector.HeadScore bestHead = null;
        for (CircuitsSeries.Point p : points) {
            HeadDetector.HeadScore h = maximum(p.scores().induction());
            if (bestHead == null || h.score() > bestHead.score()) {
                bestHead = h;
                best = p;
            }
        }
        long seen = points.getLast().snapshot().tokens();
        boolean formed = bestHead.score() >= HEAD_THRESHOLD;
        double end = points.getLast().scores().induction()[bestHead.layer()][bestHead.head()];
        String verdict = formed
                ? String.format(Locale.ROOT, "An induction head formed: L%dH%d reached %.3f on repeated held-out text at %,d tokens seen (threshold %.1f)"
                        + (end >= HEAD_THRESHOLD ? " and scores %.3f at the end." : "; at the end it scores %.3f, under the threshold, so the trained "
                        + "model's list above names no induction head."), bestHead.layer(), bestHead.head(), bestHead.score(), best.snapshot().tokens(),
                        HEAD_THRESHOLD, end)
                : String.format(Locale.ROOT, "No induction head formed in %,d tokens seen: the best induction score on repeated held-out text was "
                        + "%.3f (L%dH%d at %,d tokens), below the threshold %.1f.", seen, bestHead.score(), bestHead.layer(), bestHead.head(),
                        best.snapshot().tokens(), HEAD_THRESHOLD);
        o.println(heads.narrative());
        o.println(verdict);
        CircuitsSeries.Notes notes = new CircuitsSeries.Notes(String.format(Locale.ROOT, "Head scores on the held-out text (%,d tokens): "
                        + "previous-token on %d windows of n_ctx tokens, induction on %d windows of %d tokens each followed by itself.",
                sample.ids().length, points.getFirst().scores().icl().sequences(),
                points.getFirst().scores().repeatedText().orElseThrow().tokens().length, n),
                "In-context learning score: mean loss at a late token index minus at an early one over held-out windows of n_ctx tokens "
                        + "(the paper's 500 and 50 when n_ctx > 501, else the last index and a tenth of it); negative when later tokens are "
                        + "predicted better.");
        List<Section.LossCurves> charts = CircuitsSeries.charts(points, notes);
        Path png = out.resolve("png");
        Files.createDirectories(png);
        String[] names = {"induction.png", "previous_token.png", "icl.png"};
        for (int i = 0; i < names.length; i++) {
            PngLineChart.write(charts.get(i), png.resolve(names[i]));
            written.add(png.resolve(names[i]));
        }
        List<Object> series = new ArrayList<>();
        for (CircuitsSeries.Point p : points) {
            series.add(Json.object("tokens", p.snapshot().tokens(), "induction", p.scores().induction(), "previous_token", p.scores().previousToken(),
                    "random_induction", p.scores().random().induction(), "icl_score", p.scores().icl().score()));
        }
        summary.put("induction", Json.object("layers", 2, "held_out_loss", t.heldOut(), "tokens_seen", t.tokens(), "steps", steps,
                "head_threshold", HEAD_THRESHOLD, "heads", heads.json(), "previous_token_heads", heads.names(heads.textPrevious()),
                "induction_heads", heads.names(heads.repeated().induction()), "induction_formed", formed,
                "best_induction", Json.object("layer", bestHead.layer(), "head", bestHead.head(), "score", bestHead.score(), "tokens",
                        best.snapshot().tokens()), "verdict", verdict, "series", series));
        sections.add(new Section.Text("3. Two layers: induction heads?", List.of(String.format(Locale.ROOT,
                "Held-out loss %.3f nats after %,d tokens seen. %s", t.heldOut(), t.tokens(), heads.narrative()), verdict)));
        sections.add(t.loss());
        sections.add(heads.table("Head scores of the two-layer model"));
        sections.addAll(charts);
    }

    private int repeatLength() {
        return Math.max(2, s.ctx() / 4);
    }

    private static HeadDetector.HeadScore maximum(double[][] score) {
        HeadDetector.HeadScore best = new HeadDetector.HeadScore(0, 0, Double.NEGATIVE_INFINITY);
        for (int l = 0; l < score.length; l++) {
            for (int h = 0; h < score[l].length; h++) if (score[l][h] > best.score()) best = new HeadDetector.HeadScore(l, h, score[l][h]);
        }
        return best;
    }

    /** The head table of a model from its circuit weights (copying scores) and its scores on the held-out text. */
    private static Heads heads(CircuitWeights weights, SnapshotScores scores) {
        return new Heads(new Circuits(weights).copyingScores(), scores.text().orElseThrow().previousToken(),
                scores.repeatedText().orElseThrow(), scores.random());
    }

    /** Per head: copying score, previous-token on text, head scores on repeated text, and on repeated random tokens. */
    private record Heads(double[][] copying, double[][] textPrevious, HeadDetector repeated, HeadDetector random) {
        List<String> names(double[][] score) {
            return HeadDetector.atLeast(score, 0, score.length, HEAD_THRESHOLD).stream()
                    .map(x -> String.format(Locale.ROOT, "L%dH%d %.3f", x.layer(), x.head(), x.score())).toList();
        }

        String narrative() {
            List<String> prev = names(textPrevious), ind = names(repeated.induction());
            return String.format(Locale.ROOT, "Previous-token heads on held-out text (score ≥ %.1f): %s. Induction heads on repeated held-out "
                    + "text (score ≥ %.1f): %s.", HEAD_THRESHOLD, prev.isEmpty() ? "none" : String.join(", ", prev), HEAD_THRESHOLD,
                    ind.isEmpty() ? "none" : String.join(", ", ind));
        }

        List<Object> json() {
            List<Object> out = new ArrayList<>();
            for (int l = 0; l < copying.length; l++) {
                for (int h = 0; h < copying[l].length; h++) {
                    out.add(Json.object("layer", l, "head", h, "copying_score", copying[l][h], "prev_token_text", textPrevious[l][h],
                            "induction_text", repeated.induction()[l][h], "prev_token_random", random.previousToken()[l][h],
                            "induction_random", random.induction()[l][h]));
                }
            }
            return out;
        }

        Section.Table table(String title) {
            List<List<Cell>> rows = new ArrayList<>();
            for (int l = 0; l < copying.length; l++) {
                for (int h = 0; h < copying[l].length; h++) {
                    rows.add(List.of(Cell.of("L" + l + "H" + h), Cell.of(copying[l][h]), Cell.of(textPrevious[l][h]), Cell.of(repeated.induction()[l][h]),
                            Cell.of(random.previousToken()[l][h]), Cell.of(random.induction()[l][h])));
                }
            }
            return new Section.Table(title, List.of(Section.Table.Column.plain("head"), Section.Table.Column.heat("copying score", new ValueRange(-1, 1)),
                    Section.Table.Column.heat("previous-token (text)", ValueRange.PROBABILITY),
                    Section.Table.Column.heat("induction (repeated text)", ValueRange.PROBABILITY),
                    Section.Table.Column.heat("previous-token (random)", ValueRange.PROBABILITY),
                    Section.Table.Column.heat("induction (random)", ValueRange.PROBABILITY)), rows);
        }
    }
}
