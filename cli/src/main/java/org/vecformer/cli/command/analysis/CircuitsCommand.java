package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.Main;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.model.circuits.CircuitEntries;
import org.vecformer.model.circuits.CircuitWeights;
import org.vecformer.model.circuits.Circuits;
import org.vecformer.model.circuits.Composition;
import org.vecformer.model.circuits.HeadDetector;
import org.vecformer.model.circuits.InductionPair;
import org.vecformer.model.circuits.SkipTrigram;
import org.vecformer.model.circuits.TokenFrequency;
import org.vecformer.model.circuits.VirtualHead;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.transformer.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.PhaseTimes;
import org.vecformer.cli.command.ProgressLine;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.ThreadsOption;
import org.vecformer.cli.command.Words;

/**
 * {@code vecformer circuits}: the circuit analysis of a model — per head the copying score and the previous-token /
 * duplicate-token / induction scores, the strongest Q/K/V compositions against a random baseline, and the top
 * skip-trigrams (one layer) or top QK/OV circuit entries and virtual heads (more layers).
 */
@Command(name = "circuits", mixinStandardHelpOptions = true,
        description = "Analyse a model's circuits: copying, head scores, composition, skip-trigrams / top QK-OV entries.")
public final class CircuitsCommand implements Callable<Integer> {
    /** Largest vocabulary whose direct-path bigram table the HTML report shows. */
    static final int BIGRAM_TABLE_MAX_VOCAB = 64;

    @Spec
    CommandSpec spec;

    @Mixin
    OptionalModelOption model;

    @Mixin
    SeriesOptions series;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--json", description = "Print the analysis as JSON (heads, composition, entries).")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write an HTML report (head patterns, score tables, composition and positional QK heatmaps).")
    Path html;

    @Option(names = "--png", paramLabel = "DIR", description = "Write PNG heatmaps into DIR: per head its pattern and positional QK circuit, one per composition kind.")
    Path png;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "5", description = "Entries listed per head and compositions shown (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--vocab-limit", paramLabel = "N",
            description = "Search QK/OV entries over token ids 0..N-1 only (default: the whole vocabulary); copying scores always use all of it.")
    Integer vocabLimit;

    @Option(names = "--repeat-length", paramLabel = "N", description = "Length n of the random run repeated for the head scores (default: n_ctx/4, the sequences [r, r] filling half the context).")
    Integer repeatLength;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "Repeated sequences scored (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the repeated random tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--weight-by-frequency", paramLabel = "FILE",
            description = "Rank QK/OV entries and skip-trigrams weighted by token frequency in FILE (text for a model with a tokenizer, else ids):"
                    + " values become f(d)·f(s)·QK and f(s)·OV, f(t) = (count(t)+1)/(max count+1).")
    Path weightByFrequency;

    /** One head's scores. */
    record HeadRow(int layer, int head, double copying, double prev, double duplicate, double induction) {
        String label() {
            return "L" + layer + "H" + head;
        }
    }

    @Override
    public Integer call() throws IOException {
        threads.apply();
        if (series.dir != null) {
            if (model.path != null) throw new UsageException("--model and --series exclude each other: give one");
            if (vocabLimit != null || weightByFrequency != null) throw new UsageException("--vocab-limit and --weight-by-frequency go with --model, not --series");
            return new CircuitsSeries(series, batch, seed, repeatLength).run(spec.commandLine().getOut(), spec.commandLine().getErr(), json, html, png);
        }
        if (model.path == null) throw new UsageException("give --model FILE (or --series DIR of training snapshots)");
        if (series.config != null || series.data != null || series.tokenizer != null) throw new UsageException("--config, --data and --tokenizer go with --series DIR");
        if (topK < 1) throw new UsageException("--top-k must be >= 1, not " + topK);
        if (vocabLimit != null && vocabLimit < 1) throw new UsageException("--vocab-limit must be >= 1, not " + vocabLimit);
        if (batch < 1) throw new UsageException("--batch must be >= 1, not " + batch);
        if (html != null) OutputPaths.file("--html", html);
        if (png != null) OutputPaths.directory("--png", png);
        PhaseTimes times = new PhaseTimes();
        ModelFile m = model.load();
        double[] frequency = weightByFrequency == null ? null : frequency(m).weights();
        times.end("load");
        Config c = m.config();
        if (c.nCtx() < 4) throw new UsageException("the model's n_ctx = " + c.nCtx() + " is too short for repeated-token scores (needs >= 4)");
        int n = repeatLength != null ? repeatLength : Math.max(2, c.nCtx() / 4);
        if (n < 2 || 2 * n > c.nCtx()) throw new UsageException("--repeat-length must be in [2, n_ctx/2 = " + c.nCtx() / 2 + "], not " + n);

        CircuitWeights weights = CircuitWeights.of(m.weights());
        Circuits circuits = new Circuits(weights);
        times.end("fold");
        double[][] copying = circuits.copyingScores();
        times.end("copying");
        HeadDetector detector = HeadDetector.detect(m.transformer(), n, batch, seed);
        times.end("head scores");
        Composition composition = Composition.of(circuits);
        times.end("composition");
        List<HeadRow> heads = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                heads.add(new HeadRow(l, h, copying[l][h], detector.previousToken()[l][h], detector.duplicateToken()[l][h],
                        detector.induction()[l][h]));
            }
        }
        List<Composition.Link> links = composition.links();
        int vocab = vocabLimit == null ? c.dVocab() : Math.min(c.dVocab(), vocabLimit);
        CircuitWeights restricted = vocab == c.dVocab() ? weights : weights.restrict(range(vocab));
        Circuits view = weightByFrequency == null ? (vocab == c.dVocab() ? circuits : new Circuits(restricted))
                : new Circuits(restricted.weightEmbedding(frequency));
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(),
                "top-" + topK + " circuit entries over " + vocab + " tokens: circuits", c.nLayers() * c.nHeads() * CircuitEntries.circuitsPerHead(c));
        Entries entries = Entries.of(view, c, topK, progress, times);
        String lnNote = weights.folded()
                ? "layer norm weights folded into W_Q, W_K, W_V and W_U (TransformerLens fold_ln); centring and scale left out"
                : c.normalization().normalizes() ? "layer norms have no weights (LNPre): nothing to fold; centring and scale left out"
                : "no layer norm";
        String vocabNote = vocab == c.dVocab() ? "entries over the whole vocabulary"
                : "entries over token ids 0.." + (vocab - 1) + " of " + c.dVocab() + " (--vocab-limit)";
        if (weightByFrequency != null) vocabNote += "; ranked and shown weighted by token frequency in " + weightByFrequency
                + ": QK f(dest)·f(src)·score, OV f(src)·logit, f(t) = (count(t)+1)/(max count+1)";
        String detectorNote = "head scores: mean attention over the second copy of " + batch + " sequences [r1..r" + n + ", r1..r" + n + "] (seed " + seed + ")";
        String baselineNote = "baseline: mean composition score of " + Composition.BASELINE_SAMPLES
                + " pairs of random Gaussian factored matrices of the same shapes (d_model x d_head x d_model)";

        if (html != null || png != null) {
            CircuitsReport report = new CircuitsReport(m, heads, composition, entries, detector.tokens()[0],
                    List.of(lnNote, detectorNote, baselineNote + String.format(" = %.4f", composition.baseline()), vocabNote),
                    c.dVocab() <= BIGRAM_TABLE_MAX_VOCAB ? circuits.directPath().materialize() : null, circuits);
            if (html != null) report.writeHtml(html, model.path.getFileName().toString());
            if (png != null) report.writePngs(png);
            times.end("report");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = json(c, heads, detector, composition, entries, lnNote, n, vocab, weights.folded(), m.tokenizer());
            if (weightByFrequency != null) all.put("entries_weighted_by_frequency", vocabNote);
            out.println(Json.write(all));
            return finish(out, times);
        }
        out.printf("%s: %s x %s, d_model %d, d_head %d, d_vocab %d%n", model.path, Words.plural(c.nLayers(), "layer"),
                Words.plural(c.nHeads(), "head"), c.dModel(), c.dHead(), c.dVocab());
        out.println(lnNote);
        out.println(detectorNote);
        if (c.nLayers() > 0) {
            out.printf("%n%-6s %8s %9s %10s %10s%n", "head", "copying", "prev-tok", "duplicate", "induction");
            for (HeadRow r : heads) out.printf("%-6s %8.3f %9.3f %10.3f %10.3f%n", r.label(), r.copying(), r.prev(), r.duplicate(), r.induction());
        }
        if (c.nLayers() > 1) {
            out.printf("%nstrongest compositions (%s = %.4f)%n", baselineNote, composition.baseline());
            for (Composition.Link k : links.subList(0, Math.min(topK, links.size()))) {
                out.printf("  %s  L%dH%d -> L%dH%d  %.4f  (%.1fx baseline)%n", k.kind(), k.l1(), k.h1(), k.l2(), k.h2(), k.score(),
                        k.score() / composition.baseline());
            }
            InductionPair p = InductionPair.of(detector, composition);
            out.printf("%nbest previous-token head L%dH%d (%.3f) -> best later induction head L%dH%d (%.3f): K %.4f  Q %.4f  V %.4f%n",
                    p.l1(), p.h1(), heads.get(p.l1() * c.nHeads() + p.h1()).prev(), p.l2(), p.h2(),
                    heads.get(p.l2() * c.nHeads() + p.h2()).induction(), p.k(), p.q(), p.v());
        }
        out.printf("%n%s%n", vocabNote);
        entries.print(out, m);
        return finish(out, times);
    }

    /** Token counts of --weight-by-frequency's corpus, encoded as the model reads text. */
    private TokenFrequency frequency(ModelFile m) throws IOException {
        try {
            return TokenFrequency.of(CorpusIds.read("--weight-by-frequency", weightByFrequency, m.tokenizer()), m.config().dVocab());
        } catch (IllegalArgumentException e) {
            throw new IOException("--weight-by-frequency " + weightByFrequency + ": " + e.getMessage(), e);
        }
    }

    /** Flushes the report, closes the "output" phase and prints the phase times (always with --verbose); exit code 0. */
    private int finish(PrintWriter out, PhaseTimes times) {
        out.flush();
        times.end("output");
        times.print(spec.commandLine().getErr(), Main.verbose(spec.root().commandLine().getParseResult()));
        return 0;
    }

    private static int[] range(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = i;
        return ids;
    }

    private static Map<String, Object> json(Config c, List<HeadRow> heads, HeadDetector detector, Composition comp, Entries entries, String lnNote, int n,
                                            int vocab, boolean folded, Tokenizer tokenizer) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("layer_norm_folded", folded);
        all.put("layer_norm", lnNote);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (HeadRow r : heads) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", r.layer());
            row.put("head", r.head());
            row.put("copying_score", r.copying());
            row.put("prev_token_score", r.prev());
            row.put("duplicate_token_score", r.duplicate());
            row.put("induction_score", r.induction());
            rows.add(row);
        }
        all.put("heads", rows);
        all.put("head_scores_sequence", Map.of("repeat_length", n, "definition",
                "mean attention over query positions i in [n, 2n) of [r1..rn, r1..rn]: prev i-1, duplicate i-n, induction i-n+1"));
        if (c.nLayers() > 1) {
            Map<String, Object> composition = new LinkedHashMap<>();
            for (Composition.Kind kind : Composition.Kind.values()) composition.put(kind.name().toLowerCase(Locale.ROOT), pairs(comp.of(kind)));
            composition.put("baseline", comp.baseline());
            composition.put("baseline_definition", "mean score of " + Composition.BASELINE_SAMPLES
                    + " pairs of random Gaussian factored d_model x d_head x d_model matrices");
            all.put("composition", composition);
        }
        if (c.nLayers() > 1) {
            InductionPair p = InductionPair.of(detector, comp);
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("previous_token_head", Map.of("layer", p.l1(), "head", p.h1()));
            pair.put("induction_head", Map.of("layer", p.l2(), "head", p.h2()));
            pair.put("q", p.q());
            pair.put("k", p.k());
            pair.put("v", p.v());
            all.put("induction_pair", pair);
        }
        all.put("vocab_searched", vocab);
        entries.json(all, tokenizer);
        return all;
    }

    /** Scores [l1][h1][l2][h2] with null where no composition exists (l2 &lt;= l1: the later head is not in a later layer). */
    static List<List<List<List<Double>>>> pairs(double[][][][] s) {
        List<List<List<List<Double>>>> out = new ArrayList<>();
        for (int l1 = 0; l1 < s.length; l1++) {
            List<List<List<Double>>> byHead = new ArrayList<>();
            for (double[][] toLayers : s[l1]) {
                List<List<Double>> byLayer = new ArrayList<>();
                for (int l2 = 0; l2 < toLayers.length; l2++) {
                    List<Double> row = new ArrayList<>();
                    for (double v : toLayers[l2]) row.add(l2 > l1 ? v : null);
                    byLayer.add(row);
                }
                byHead.add(byLayer);
            }
            out.add(byHead);
        }
        return out;
    }

    /** The listed circuit entries: skip-trigrams for one layer, else top QK/OV entries per head and virtual heads. */
    record Entries(List<List<SkipTrigram>> skipTrigrams, List<List<FactoredMatrix.Entry>> qk, List<List<FactoredMatrix.Entry>> ov,
                   List<VirtualHead> virtualHeads, List<FactoredMatrix.Entry> directPath, int[] directPathArgMax, CircuitWeights view, int heads) {
        /**
         * The top-k entries of every head's circuits ({@link CircuitEntries}), each finished circuit reported to
         * {@code progress}, and the largest virtual heads. Phases "top-k" and "virtual heads".
         */
        static Entries of(Circuits view, Config c, int k, ProgressLine progress, PhaseTimes times) {
            CircuitEntries top = CircuitEntries.of(view, k, BIGRAM_TABLE_MAX_VOCAB, progress::advance);
            times.end("top-k");
            List<VirtualHead> virtual = c.nLayers() > 1 ? VirtualHead.all(view) : List.of();
            times.end("virtual heads");
            return new Entries(top.skipTrigrams(), top.qk(), top.ov(), virtual.subList(0, Math.min(k, virtual.size())),
                    top.directPath(), top.directPathArgMax(), view.weights(), c.nHeads());
        }

        void print(PrintWriter out, ModelFile m) {
            if (!directPath.isEmpty()) {
                out.println("direct path W_E W_U' + b_U' (the bigram logits of a model without attention): top entries (current -> next: logit)");
                for (FactoredMatrix.Entry e : directPath) {
                    out.printf("  %s -> %s  %.3g%n", Prompts.show(m, view.tokenId(e.row())), Prompts.show(m, view.tokenId(e.col())), e.value());
                }
                if (directPathArgMax != null) {
                    out.println("most likely next token of every current token (row argmax of the direct path)");
                    StringBuilder line = new StringBuilder(" ");
                    for (int i = 0; i < directPathArgMax.length; i++) {
                        line.append("  ").append(Prompts.show(m, view.tokenId(i))).append("->").append(Prompts.show(m, view.tokenId(directPathArgMax[i])));
                    }
                    out.println(line);
                }
                return;
            }
            if (!skipTrigrams.isEmpty()) {
                out.println("top skip-trigrams per head (source ... destination -> output: OV logit, QK score)");
                for (List<SkipTrigram> list : skipTrigrams) {
                    for (SkipTrigram t : list) {
                        out.printf("  L%dH%d  %s ... %s -> %s   ov %.3g  qk %.3g%n", t.layer(), t.head(), Prompts.show(m, t.source()),
                                Prompts.show(m, t.destination()), Prompts.show(m, t.output()), t.ov(), t.qk());
                    }
                }
                return;
            }
            out.println("top QK entries per head (destination attends to source: score) and OV entries (source raises output: logit)");
            for (int i = 0; i < qk.size(); i++) {
                StringBuilder line = new StringBuilder(String.format("  L%dH%d  QK", i / heads, i % heads));
                for (FactoredMatrix.Entry e : qk.get(i)) {
                    line.append(String.format("  %s<-%s %.3g", Prompts.show(m, view.tokenId(e.row())), Prompts.show(m, view.tokenId(e.col())), e.value()));
                }
                line.append("   OV");
                for (FactoredMatrix.Entry e : ov.get(i)) {
                    line.append(String.format("  %s->%s %.3g", Prompts.show(m, view.tokenId(e.row())), Prompts.show(m, view.tokenId(e.col())), e.value()));
                }
                out.println(line);
            }
            out.println("largest virtual heads (V-composition W_V1 W_O1 W_V2 W_O2, Frobenius norm)");
            for (VirtualHead v : virtualHeads) {
                out.printf("  L%dH%d -> L%dH%d  %.4g%n", v.layer1(), v.head1(), v.layer2(), v.head2(), v.norm());
            }
        }

        /**
         * The entries as JSON, token ids as numbers and, when the model has a text tokenizer, each id's text beside it
         * ({@code source_token}, …: {@link Tokenizer#piece}; left out for an id past the tokenizer's vocabulary).
         */
        void json(Map<String, Object> all, Tokenizer tokenizer) {
            if (!directPath.isEmpty()) {
                Map<String, Object> direct = new LinkedHashMap<>();
                direct.put("top", entries(directPath, "current", "next", tokenizer));
                if (directPathArgMax != null) {
                    List<Integer> next = new ArrayList<>();
                    for (int i : directPathArgMax) next.add(view.tokenId(i));
                    direct.put("row_argmax", next);
                }
                all.put("direct_path", direct);
                return;
            }
            if (!skipTrigrams.isEmpty()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (List<SkipTrigram> list : skipTrigrams) {
                    for (SkipTrigram t : list) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("layer", t.layer());
                        r.put("head", t.head());
                        token(r, "source", t.source(), tokenizer);
                        token(r, "destination", t.destination(), tokenizer);
                        token(r, "output", t.output(), tokenizer);
                        r.put("ov", t.ov());
                        r.put("qk", t.qk());
                        rows.add(r);
                    }
                }
                all.put("skip_trigrams", rows);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < qk.size(); i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("layer", i / heads);
                r.put("head", i % heads);
                r.put("qk", entries(qk.get(i), "destination", "source", tokenizer));
                r.put("ov", entries(ov.get(i), "source", "output", tokenizer));
                rows.add(r);
            }
            all.put("top_entries", rows);
            List<Map<String, Object>> virtual = new ArrayList<>();
            for (VirtualHead v : virtualHeads) {
                virtual.add(Map.of("layer1", v.layer1(), "head1", v.head1(), "layer2", v.layer2(), "head2", v.head2(), "norm", v.norm()));
            }
            all.put("virtual_heads", virtual);
        }

        private List<Map<String, Object>> entries(List<FactoredMatrix.Entry> list, String rowName, String colName, Tokenizer tokenizer) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (FactoredMatrix.Entry e : list) {
                Map<String, Object> r = new LinkedHashMap<>();
                token(r, rowName, view.tokenId(e.row()), tokenizer);
                token(r, colName, view.tokenId(e.col()), tokenizer);
                r.put("value", e.value());
                out.add(r);
            }
            return out;
        }

        /** {@code name: id}, and with a text tokenizer {@code name_token: its text}. */
        private static void token(Map<String, Object> r, String name, int id, Tokenizer tokenizer) {
            r.put(name, id);
            if (tokenizer instanceof IdTokenizer) return;
            String piece;
            try {
                piece = tokenizer.piece(id);
            } catch (IllegalArgumentException pastTheTokenizer) {
                piece = null;
            }
            r.put(name + "_token", piece);
        }
    }
}
