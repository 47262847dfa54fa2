package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vecformer.cli.render.AttentionHead;
import org.vecformer.cli.render.Cell;
import org.vecformer.cli.render.HtmlReport;
import org.vecformer.cli.render.PngHeatmap;
import org.vecformer.cli.render.Report;
import org.vecformer.cli.render.Section;
import org.vecformer.cli.render.ValueRange;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.model.circuits.Circuits;
import org.vecformer.model.circuits.Composition;
import org.vecformer.model.circuits.PositionalQk;
import org.vecformer.model.circuits.SkipTrigram;
import org.vecformer.model.circuits.VirtualHead;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.Words;

/** The report of {@code vecformer circuits}: head patterns on a repeated sequence, score tables, composition heatmaps. */
public final class CircuitsReport {
    private final ModelFile model;
    private final List<CircuitsCommand.HeadRow> heads;
    private final Composition composition;
    private final CircuitsCommand.Entries entries;
    private final List<String> tokens;
    private final List<AttentionHead> patterns;
    private final List<String> notes;
    private final Matrix directPath;
    private final Circuits circuits;

    /** Positions shown in the positional QK heatmaps: the first ones, at most this many. */
    static final int POSITIONS_SHOWN = 64;

    /** {@code directPath} is the bigram table [d_vocab, d_vocab] for a small vocabulary, or null. */
    CircuitsReport(ModelFile model, List<CircuitsCommand.HeadRow> heads, Composition composition, CircuitsCommand.Entries entries,
                   int[] sequence, List<String> notes, Matrix directPath, Circuits circuits) {
        this.directPath = directPath;
        this.circuits = circuits;
        this.model = model;
        this.heads = heads;
        this.composition = composition;
        this.entries = entries;
        this.tokens = AttentionPatterns.labels(model, sequence);
        this.patterns = AttentionPatterns.of(model, sequence);
        this.notes = notes;
    }

    void writeHtml(Path file, String name) throws IOException {
        Config c = model.config();
        List<Section> sections = new ArrayList<>();
        sections.add(new Section.Text("How these were computed", notes));
        sections.add(scoreTable());
        sections.add(new Section.Attention("Attention patterns on one repeated random sequence", tokens, patterns));
        if (c.nLayers() > 1) sections.add(compositionMatrix(composition, c));
        sections.add(entryTable());
        sections.add(new Section.Text("Positional QK circuits", List.of("W_pos W_Q W_Kᵀ W_posᵀ per head: the score a query position "
                + "gives a key position from positions alone (no tokens, no 1/sqrt(d_head), no layer-norm scale, so only the sizes "
                + "within a row compare). Each row is centred: its mean over the keys the query can see (k ≤ q) is subtracted. A "
                + "previous-token head has its row maxima (dots) on the diagonal just below the main one.")));
        for (int l = 0; l < c.nLayers(); l++) for (int h = 0; h < c.nHeads(); h++) sections.add(positionalQk(l, h));
        if (directPath != null) sections.add(bigrams());
        String shape = c.nLayers() == 0 ? "0 layers (direct path only)"
                : Words.plural(c.nLayers(), "layer") + " × " + Words.plural(c.nHeads(), "head");
        String subtitle = String.format(Locale.ROOT, "%s · %s · d_model %d · d_vocab %d", name, shape, c.dModel(), c.dVocab());
        HtmlReport.write(new Report("Circuits", subtitle, sections), file);
    }

    /**
     * One PNG per head ({@code L{l}H{h}.png}, pattern on the repeated sequence), per head's positional QK circuit
     * ({@code positional-L{l}H{h}.png}) and one of the Q-, K- and V-composition side by side ({@code composition.png}).
     */
    void writePngs(Path dir) throws IOException {
        AttentionPatterns.writePngs(tokens, patterns, dir);
        Config c = model.config();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) PngHeatmap.write(positionalQk(l, h), dir.resolve("positional-L" + l + "H" + h + ".png"));
        }
        if (c.nLayers() > 1) PngHeatmap.write(compositionMatrix(composition, c), dir.resolve("composition.png"));
    }

    /**
     * The positional QK circuit of head h in layer l on its first {@link #POSITIONS_SHOWN} query and key positions
     * (row: query, column: key), each row centred over the keys its query sees ({@link PositionalQk}), keys after the
     * query masked, each row's maximum marked, on a range symmetric about zero.
     */
    private Section.Matrix positionalQk(int l, int h) {
        PositionalQk qk = PositionalQk.of(circuits, l, h, POSITIONS_SHOWN);
        int n = qk.shown();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) labels.add(Integer.toString(i));
        String shown = n == qk.positions() ? "all " + n + " positions" : "positions 0.." + (n - 1) + " of " + qk.positions();
        return new Section.Matrix("Positional QK circuit of L" + l + "H" + h, String.format(Locale.ROOT,
                "W_pos W_Q W_Kᵀ W_posᵀ, %s; each row centred (its mean over keys k ≤ q subtracted); keys after the query masked. "
                        + "The row maximum is the previous position (k = q−1) in %d of %d rows.", shown, qk.previousTokenRows(), n - 1),
                new Section.Matrix.Axes("query position", "key position"), List.of(new Section.Matrix.Panel("", labels, labels, qk.centred())),
                new ValueRange(-qk.maxAbs(), qk.maxAbs()), Section.Matrix.Mask.causal("masked (key after query)"), true);
    }

    /** The direct path W_E W_U' + b_U' as a heatmap on a range symmetric about zero. */
    private Section.Matrix bigrams() {
        int n = directPath.rows();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) labels.add(AttentionPatterns.label(model, i));
        double[][] v = new double[n][];
        double max = 1e-9;
        for (int i = 0; i < n; i++) {
            v[i] = directPath.row(i);
            for (double x : v[i]) max = Math.max(max, Math.abs(x));
        }
        return new Section.Matrix("Direct path W_E W_U + b_U", "The bigram logits of the direct path (layer norm weights folded in): "
                + "row: the current token, column: the logit it gives the next token.", new Section.Matrix.Axes("current token", "next token"),
                List.of(new Section.Matrix.Panel("", labels, labels, v)), new ValueRange(-max, max), Section.Matrix.Mask.NONE, false);
    }

    private Section.Table scoreTable() {
        List<List<Cell>> rows = new ArrayList<>();
        for (CircuitsCommand.HeadRow r : heads) {
            rows.add(List.of(Cell.of(r.label()), Cell.of(r.copying()), Cell.of(r.prev()), Cell.of(r.duplicate()), Cell.of(r.induction())));
        }
        return new Section.Table("Head scores", List.of(Section.Table.Column.plain("head"),
                Section.Table.Column.heat("copying score", new ValueRange(-1, 1)),
                Section.Table.Column.heat("previous-token", ValueRange.PROBABILITY),
                Section.Table.Column.heat("duplicate-token", ValueRange.PROBABILITY),
                Section.Table.Column.heat("induction", ValueRange.PROBABILITY)), rows);
    }

    /**
     * The Q-, K- and V-composition side by side on one scale anchored at the random baseline (white), from 0 to the
     * largest score (at least twice the baseline). Rows: the later head (layers 1..), columns: the earlier head (layers
     * ..L−2); values [l2·H + h2 − H][l1·H + h1]; pairs whose earlier head is not in an earlier layer are masked.
     */
    public static Section.Matrix compositionMatrix(Composition composition, Config c) {
        int h = c.nHeads(), later = (c.nLayers() - 1) * h;
        List<String> rows = new ArrayList<>(), cols = new ArrayList<>();
        for (int r = 0; r < later; r++) rows.add("L" + (1 + r / h) + "H" + r % h);
        for (int col = 0; col < later; col++) cols.add("L" + col / h + "H" + col % h);
        double max = 2 * composition.baseline();
        List<Section.Matrix.Panel> panels = new ArrayList<>();
        for (Composition.Kind kind : Composition.Kind.values()) {
            double[][][][] s = composition.of(kind);
            double[][] v = new double[later][later];
            for (int r = 0; r < later; r++) {
                int l2 = 1 + r / h, h2 = r % h;
                for (int col = 0; col < later; col++) {
                    int l1 = col / h, h1 = col % h;
                    if (l1 < l2) {
                        v[r][col] = s[l1][h1][l2][h2];
                        max = Math.max(max, v[r][col]);
                    }
                }
            }
            panels.add(new Section.Matrix.Panel(kind + "-composition", rows, cols, v));
        }
        return new Section.Matrix("Composition between heads", String.format(Locale.ROOT, "How much a later head (row) reads an earlier "
                + "head's output (column) through its queries (Q), keys (K) or values (V): ‖A·B‖_F/(‖A‖_F‖B‖_F). One colour scale for "
                + "all three, white at the random baseline %.3f (the mean score of random matrices of the same shapes): blue above it, red "
                + "below.", composition.baseline()), new Section.Matrix.Axes("later head", "earlier head"), panels,
                ValueRange.anchored(0, composition.baseline(), max, "random baseline"),
                new Section.Matrix.Mask(c.nLayers() > 2 ? "not an earlier layer" : "", h), false);
    }

    private Section.Table entryTable() {
        List<List<Cell>> rows = new ArrayList<>();
        if (!entries.skipTrigrams().isEmpty()) {
            for (List<SkipTrigram> list : entries.skipTrigrams()) {
                for (SkipTrigram t : list) {
                    rows.add(List.of(Cell.of("L" + t.layer() + "H" + t.head()), Cell.of(Prompts.show(model, t.source())),
                            Cell.of(Prompts.show(model, t.destination())), Cell.of(Prompts.show(model, t.output())), Cell.of(t.ov()), Cell.of(t.qk())));
                }
            }
            return new Section.Table("Top skip-trigrams (source … destination → output)", List.of(Section.Table.Column.plain("head"),
                    Section.Table.Column.plain("source"), Section.Table.Column.plain("destination"), Section.Table.Column.plain("output"),
                    Section.Table.Column.plain("OV logit"), Section.Table.Column.plain("QK score")), rows);
        }
        int h = model.config().nHeads();
        for (int i = 0; i < entries.qk().size(); i++) {
            rows.add(List.of(Cell.of("L" + i / h + "H" + i % h), Cell.of(list(entries.qk().get(i), "←")), Cell.of(list(entries.ov().get(i), "→"))));
        }
        for (VirtualHead v : entries.virtualHeads()) {
            rows.add(List.of(Cell.of("L" + v.layer1() + "H" + v.head1() + " → L" + v.layer2() + "H" + v.head2()), Cell.of("virtual head"),
                    Cell.of(String.format(Locale.ROOT, "‖W_OV‖_F = %.4f", v.norm()))));
        }
        return new Section.Table("Top QK entries (destination ← source) and OV entries (source → output); virtual heads",
                List.of(Section.Table.Column.plain("head"), Section.Table.Column.plain("QK"), Section.Table.Column.plain("OV")), rows);
    }

    private String list(List<FactoredMatrix.Entry> list, String arrow) {
        List<String> parts = new ArrayList<>();
        for (FactoredMatrix.Entry e : list) {
            parts.add(Prompts.show(model, entries.view().tokenId(e.row())) + arrow + Prompts.show(model, entries.view().tokenId(e.col()))
                    + String.format(Locale.ROOT, " %.3g", e.value()));
        }
        return String.join(", ", parts);
    }
}
