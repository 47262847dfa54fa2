package org.vecformer.cli.command.analysis;

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
import java.util.function.Function;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.command.ProgressLine;
import org.vecformer.cli.command.TextFiles;
import org.vecformer.cli.command.Words;
import org.vecformer.cli.render.HtmlReport;
import org.vecformer.cli.render.Json;
import org.vecformer.cli.render.PngLineChart;
import org.vecformer.cli.render.Report;
import org.vecformer.cli.render.Section;
import org.vecformer.cli.render.Series;
import org.vecformer.model.circuits.InContextLearning;
import org.vecformer.model.circuits.SnapshotScores;
import org.vecformer.model.circuits.TextSample;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.io.Snapshots;
import org.vecformer.model.tl.TlConfig;
import org.vecformer.model.tl.TlImport;
import org.vecformer.model.tl.TlStateDict;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;

/**
 * {@code circuits --series DIR}: {@link SnapshotScores} of every snapshot of a training run (ours,
 * {@code tokens_<T>.safetensors}, or the Hub's {@code tokens_<N>.pth} read with {@code --config} as {@code import}
 * reads them) against tokens seen — per head the induction and previous-token score, and the in-context learning
 * score — as text, JSON, an HTML report of line charts and PNGs. Snapshots are loaded one at a time.
 */
public final class CircuitsSeries {
    /** One snapshot and its scores. */
    public record Point(Snapshots.Entry snapshot, SnapshotScores scores) {}

    private final SeriesOptions options;
    private final int batch;
    private final long seed;
    private final Integer repeatLength;

    CircuitsSeries(SeriesOptions options, int batch, long seed, Integer repeatLength) {
        this.options = options;
        this.batch = batch;
        this.seed = seed;
        this.repeatLength = repeatLength;
    }

    /** Scores the series and writes what was asked; returns the exit code. */
    int run(PrintWriter out, PrintWriter err, boolean json, Path html, Path png) throws IOException {
        Path dir = options.dir;
        if (!Files.isDirectory(dir)) throw new UsageException("--series " + dir + (Files.exists(dir) ? " is not a directory" : ": no such directory"));
        if (batch < 1) throw new UsageException("--batch must be >= 1, not " + batch);
        if (html != null) OutputPaths.file("--html", html);
        if (png != null) OutputPaths.directory("--png", png);
        List<Snapshots.Entry> entries;
        try {
            entries = Snapshots.list(dir);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new UsageException("--series " + dir + " holds no snapshots named tokens_<T>.safetensors (train --save-every N) or tokens_<N>.pth (with --config)");
        }
        boolean anyPth = entries.stream().anyMatch(e -> e.kind() == Snapshots.Kind.TL_STATE_DICT);
        if (anyPth && options.config == null) {
            throw new UsageException("--series " + dir + " holds TransformerLens checkpoints (tokens_<N>.pth): give their --config config.json");
        }
        if (options.tokenizer != null && options.data == null) throw new UsageException("--tokenizer encodes --data: give --data FILE too");
        Optional<TlConfig> tl = anyPth ? Optional.of(readConfig(options.config)) : Optional.empty();

        List<Point> points = new ArrayList<>();
        Config first = null;
        Path firstPath = null;
        Optional<TextSample> sample = Optional.empty();
        int n = 0;
        ProgressLine progress = new ProgressLine(err, "scoring snapshots", entries.size());
        for (Snapshots.Entry e : entries) {
            ModelFile m = load(e, tl);
            Config c = m.config();
            if (first == null) {
                first = c;
                firstPath = e.path();
                if (c.nLayers() == 0) throw new IOException(e.path() + ": a zero-layer model has no heads to score");
                if (c.nCtx() < 4) throw new IOException(e.path() + ": n_ctx " + c.nCtx() + " is too short for repeated-token scores (needs >= 4)");
                n = repeatLength != null ? repeatLength : Math.max(2, c.nCtx() / 4);
                if (n < 2 || 2 * n > c.nCtx()) throw new UsageException("--repeat-length must be in [2, n_ctx/2 = " + c.nCtx() / 2 + "], not " + n);
                sample = options.data == null ? Optional.empty() : Optional.of(readSample(options.data, m.storedTokenizer(), c.dVocab()));
            } else if (!c.equals(first)) {
                throw new IOException("--series " + dir + " mixes configs: " + e.path().getFileName() + " is " + describe(c) + ", "
                        + firstPath.getFileName() + " " + describe(first) + "; keep one training run per folder");
            }
            try {
                points.add(new Point(e, SnapshotScores.of(new Transformer(m.weights()), sample, n, batch, seed)));
            } catch (IllegalArgumentException bad) {
                throw new IOException(e.path() + ": " + bad.getMessage() + (options.data == null ? "" : " (--data " + options.data + ")"), bad);
            }
            progress.advance();
        }
        Notes notes = notes(points, sample, n);
        if (html != null) HtmlReport.write(new Report("Induction heads across training", dir.toString(), sections(points, notes)), html);
        if (png != null) writePngs(points, notes, png);
        if (json) out.println(Json.write(json(dir, first, points, notes, n)));
        else text(out, dir, first, points, notes);
        out.flush();
        return 0;
    }

    /** What the numbers were computed on, in words. */
    public record Notes(String heads, String icl) {}

    private Notes notes(List<Point> points, Optional<TextSample> sample, int n) {
        InContextLearning icl = points.getFirst().scores().icl();
        String positions = icl.late() == InContextLearning.PAPER_LATE
                ? "the paper's indices"
                : "sequences shorter than 502 tokens: the last index and a tenth of it, the paper's 500:50 ratio";
        if (sample.isPresent()) {
            TextSample text = sample.get();
            return new Notes(String.format(Locale.ROOT, "head scores on --data %s (%,d tokens): previous-token on %s of n_ctx tokens,"
                            + " induction on %s of %d tokens each followed by itself",
                            options.data, text.ids().length, Words.plural(icl.sequences(), "window"),
                            Words.plural(points.getFirst().scores().repeatedText().orElseThrow().tokens().length, "window"), n),
                    String.format(Locale.ROOT, "in-context learning score = mean loss at token index %d − mean loss at index %d over %s of held-out text (%s)",
                            icl.late(), icl.early(), Words.plural(icl.sequences(), "window"), positions));
        }
        return new Notes(String.format(Locale.ROOT, "note: no --data, so every score is on repeated random tokens: head scores on %d sequences"
                        + " [r1..r%d, r1..r%d] (seed %d)", batch, n, n, seed),
                String.format(Locale.ROOT, "in-context learning score = mean loss at token index %d − mean loss at index %d over %d sequences of"
                        + " random tokens repeated once (no text given, so it measures copying a repeat; %s)", icl.late(), icl.early(), icl.sequences(), positions));
    }

    private static String describe(Config c) {
        return String.format(Locale.ROOT, "%d layers × %d heads, d_model %d, n_ctx %d, d_vocab %d", c.nLayers(), c.nHeads(), c.dModel(), c.nCtx(), c.dVocab());
    }

    private static TlConfig readConfig(Path file) throws IOException {
        try {
            return TlConfig.parse(TextFiles.readUtf8(file));
        } catch (IllegalArgumentException e) {
            throw new IOException("config " + file + ": " + e.getMessage(), e);
        }
    }

    /** A snapshot as a model: our model file, or a TransformerLens state dict checked against the config. */
    private static ModelFile load(Snapshots.Entry e, Optional<TlConfig> tl) throws IOException {
        if (e.kind() == Snapshots.Kind.MODEL) return ModelFile.load(e.path());
        TlStateDict dict = TlStateDict.read(e.path(), total -> {}, done -> {});
        try {
            return new ModelFile(TlImport.weights(tl.orElseThrow().config(), dict).weights(), Optional.empty());
        } catch (IllegalArgumentException bad) {
            throw new IOException(e.path() + ": " + bad.getMessage(), bad);
        }
    }

    private TextSample readSample(Path file, Optional<Tokenizer> stored, int dVocab) throws IOException {
        Tokenizer tok = options.tokenizer != null ? TextFiles.readAnyTokenizer(options.tokenizer) : stored.orElse(new IdTokenizer(dVocab));
        return new TextSample(CorpusIds.read("--data", file, tok));
    }

    private static void text(PrintWriter out, Path dir, Config c, List<Point> points, Notes notes) {
        out.printf("series %s: %s of a %d-layer model (%s of %d, n_ctx %d, d_vocab %d), tokens seen %,d..%,d%n", dir,
                Words.plural(points.size(), "snapshot"), c.nLayers(),
                Words.plural(c.nHeads(), "head"), c.dHead(), c.nCtx(), c.dVocab(), points.getFirst().snapshot().tokens(),
                points.getLast().snapshot().tokens());
        out.println(notes.heads());
        out.println(notes.icl());
        boolean text = points.getFirst().scores().text().isPresent();
        table(out, "induction score per head" + (text ? " (repeated held-out text)" : ""), c, points, SnapshotScores::induction);
        if (text) table(out, "induction score per head (repeated random tokens)", c, points, s -> s.random().induction());
        table(out, "previous-token score per head" + (text ? " (held-out text)" : ""), c, points, SnapshotScores::previousToken);
        InContextLearning icl0 = points.getFirst().scores().icl();
        out.printf("%nin-context learning%n%14s  %9s  %9s  %9s%n", "tokens", "loss@" + icl0.early(), "loss@" + icl0.late(), "score");
        for (Point p : points) {
            InContextLearning icl = p.scores().icl();
            out.printf(Locale.ROOT, "%,14d  %9.4f  %9.4f  %+9.4f%n", p.snapshot().tokens(), icl.earlyLoss(), icl.lateLoss(), icl.score());
        }
    }

    private static void table(PrintWriter out, String title, Config c, List<Point> points, Function<SnapshotScores, double[][]> score) {
        out.printf("%n%s%n%14s", title, "tokens");
        for (int l = 0; l < c.nLayers(); l++) for (int h = 0; h < c.nHeads(); h++) out.printf("  %6s", "L" + l + "H" + h);
        out.println();
        for (Point p : points) {
            out.printf(Locale.ROOT, "%,14d", p.snapshot().tokens());
            double[][] s = score.apply(p.scores());
            for (double[] layer : s) for (double v : layer) out.printf(Locale.ROOT, "  %6.3f", v);
            out.println();
        }
    }

    private static Map<String, Object> json(Path dir, Config c, List<Point> points, Notes notes, int n) {
        List<Object> rows = new ArrayList<>();
        for (Point p : points) {
            SnapshotScores s = p.scores();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tokens", p.snapshot().tokens());
            row.put("file", p.snapshot().path().getFileName().toString());
            row.put("induction", s.induction());
            row.put("previous_token", s.previousToken());
            row.put("random_induction", s.random().induction());
            row.put("random_previous_token", s.random().previousToken());
            row.put("random_duplicate_token", s.random().duplicateToken());
            s.text().ifPresent(t -> row.put("text_duplicate_token", nullIfNaN(t.duplicateToken())));
            InContextLearning icl = s.icl();
            row.put("icl", Json.object("score", icl.score(), "early", icl.early(), "late", icl.late(), "early_loss", icl.earlyLoss(),
                    "late_loss", icl.lateLoss(), "sequences", icl.sequences()));
            rows.add(row);
        }
        return Json.object("series", dir.toString(), "config", c.toJson(), "on_text", points.getFirst().scores().text().isPresent(),
                "repeat_length", n, "heads_note", notes.heads(), "icl_note", notes.icl(), "snapshots", rows);
    }

    private static Object nullIfNaN(double[][] s) {
        List<List<Double>> out = new ArrayList<>();
        for (double[] row : s) {
            List<Double> r = new ArrayList<>();
            for (double v : row) r.add(Double.isNaN(v) ? null : v);
            out.add(r);
        }
        return out;
    }

    /** The three charts: induction and previous-token score per head, and the in-context learning score. */
    public static List<Section.LossCurves> charts(List<Point> points, Notes notes) {
        long[] tokens = points.stream().mapToLong(p -> p.snapshot().tokens()).toArray();
        boolean text = points.getFirst().scores().text().isPresent();
        InContextLearning icl0 = points.getFirst().scores().icl();
        double[] icl = points.stream().mapToDouble(p -> p.scores().icl().score()).toArray();
        return List.of(
                perHead("Induction score per head" + (text ? " (repeated held-out text)" : ""), notes.heads(), "induction score", tokens, points,
                        SnapshotScores::induction),
                perHead("Previous-token score per head" + (text ? " (held-out text)" : ""), notes.heads(), "previous-token score", tokens, points,
                        SnapshotScores::previousToken),
                new Section.LossCurves("In-context learning score", notes.icl(),
                        "loss@" + icl0.late() + " − loss@" + icl0.early() + " (nats)", false,
                        List.of(new Series("in-context learning score", tokens, icl)), List.of(), "tokens seen"));
    }

    /**
     * One line per head: the colour says the head's index within its layer, the stroke its layer (solid for even layers,
     * dashed for odd), so L0H3 and L1H3 are told apart while eight heads per layer still get eight colours.
     */
    private static Section.LossCurves perHead(String title, String caption, String yLabel, long[] tokens, List<Point> points,
                                              Function<SnapshotScores, double[][]> score) {
        double[][] first = score.apply(points.getFirst().scores());
        List<Series> series = new ArrayList<>();
        for (int l = 0; l < first.length; l++) {
            for (int h = 0; h < first[l].length; h++) {
                double[] v = new double[points.size()];
                for (int i = 0; i < v.length; i++) v[i] = score.apply(points.get(i).scores())[l][h];
                series.add(new Series("L" + l + "H" + h, tokens, v, l % 2 == 0 ? Series.Style.LINE : Series.Style.DASHED, h));
            }
        }
        return new Section.LossCurves(title, caption, yLabel, false, series, List.of(), "tokens seen");
    }

    private static List<Section> sections(List<Point> points, Notes notes) {
        return List.copyOf(charts(points, notes));
    }

    private static void writePngs(List<Point> points, Notes notes, Path png) throws IOException {
        OutputPaths.create(png);
        List<Section.LossCurves> charts = charts(points, notes);
        String[] names = {"induction.png", "previous_token.png", "icl.png"};
        for (int i = 0; i < names.length; i++) PngLineChart.write(charts.get(i), png.resolve(names[i]));
    }
}
