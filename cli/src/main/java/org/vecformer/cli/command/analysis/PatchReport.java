package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vecformer.cli.render.HtmlReport;
import org.vecformer.cli.render.Json;
import org.vecformer.cli.render.PngHeatmap;
import org.vecformer.cli.render.Report;
import org.vecformer.cli.render.Section;
import org.vecformer.cli.render.ValueRange;
import org.vecformer.model.patching.PatchRuns;
import org.vecformer.model.patching.Site;
import org.vecformer.model.patching.SiteEffect;

/**
 * The renderings of a {@code vecformer patch} run: per site a heatmap of the normalised metric
 * (patched − corrupt)/(clean − corrupt) on a diverging scale centred on 0 (layer × position, layer × head, or
 * layer·head × position), with the prompt's tokens on the position axis; text tables; and the JSON entries.
 */
final class PatchReport {
    private final Path modelPath;
    private final PatchRuns runs;
    private final List<String> labels;
    private final Map<Site, SiteEffect> exact, estimates;

    PatchReport(Path modelPath, PatchRuns runs, List<String> labels, Map<Site, SiteEffect> exact,
                Map<Site, SiteEffect> estimates) {
        this.modelPath = modelPath;
        this.runs = runs;
        this.labels = List.copyOf(labels);
        this.exact = exact;
        this.estimates = estimates;
    }

    /** Number of patched runs behind {@code effects}. */
    int patches(Map<Site, SiteEffect> effects) {
        return effects.values().stream().mapToInt(e -> e.values().length).sum();
    }

    /** {site: {axes, raw, normalized}} with nested arrays of the effect's shape. */
    Map<String, Object> json(Map<Site, SiteEffect> effects) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SiteEffect e : effects.values()) {
            out.put(e.site().label(), Json.object("axes", axes(e), "raw", e.nested(), "normalized", e.normalized(runs).nested()));
        }
        return out;
    }

    private static List<String> axes(SiteEffect e) {
        if (!e.site().perHead()) return List.of("layer", "position");
        return e.shape().length == 3 ? List.of("layer", "head", "position") : List.of("layer", "head");
    }

    /** The effect's normalised values as a heatmap: rows layers (or layer·head), columns positions or heads. */
    Section.Matrix matrix(String title, SiteEffect normalized) {
        int[] s = normalized.shape();
        List<String> rows = new ArrayList<>(), cols = new ArrayList<>();
        double[][] values;
        if (s.length == 2) {
            for (int l = 0; l < s[0]; l++) rows.add("L" + l);
            if (normalized.site().perHead()) for (int h = 0; h < s[1]; h++) cols.add("H" + h);
            else cols.addAll(labels);
            values = (double[][]) normalized.nested();
        } else {
            for (int l = 0; l < s[0]; l++) for (int h = 0; h < s[1]; h++) rows.add("L" + l + "H" + h);
            cols.addAll(labels);
            values = new double[s[0] * s[1]][];
            double[][][] nested = (double[][][]) normalized.nested();
            for (int l = 0; l < s[0]; l++) for (int h = 0; h < s[1]; h++) values[l * s[1] + h] = nested[l][h];
        }
        double max = 1;
        for (double v : normalized.values()) max = Math.max(max, Math.abs(v));
        return new Section.Matrix(title, rows, cols, values, new ValueRange(-max, max));
    }

    private List<Section.Matrix> matrices() {
        List<Section.Matrix> out = new ArrayList<>();
        for (Site s : exact.keySet()) {
            out.add(matrix("patched " + s.label() + " " + shapeText(exact.get(s)), exact.get(s).normalized(runs)));
            if (estimates.containsKey(s)) {
                out.add(matrix("attribution estimate " + s.label() + " " + shapeText(estimates.get(s)), estimates.get(s).normalized(runs)));
            }
        }
        return out;
    }

    private static String shapeText(SiteEffect e) {
        return "[" + String.join("][", axes(e)) + "]";
    }

    void writeHtml(Path file) throws IOException {
        List<Section> sections = new ArrayList<>();
        sections.add(new Section.Text("Metric", List.of(
                "clean metric " + String.format("%.4f", runs.cleanMetric()) + ", corrupted " + String.format("%.4f", runs.corruptMetric())
                        + "; every cell is (patched − corrupt)/(clean − corrupt): 1 restores the clean metric, 0 changes nothing.",
                "Positions are labelled by the clean token, with → the corrupted one where they differ.")));
        sections.addAll(matrices());
        HtmlReport.write(new Report("Activation patching", modelPath.getFileName() + " · " + runs.length() + " tokens", sections), file);
    }

    void writePngs(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Site s : exact.keySet()) {
            PngHeatmap.write(matrix("patched " + s.label(), exact.get(s).normalized(runs)), dir.resolve(s.label() + ".png"));
            if (estimates.containsKey(s)) {
                PngHeatmap.write(matrix("attribution " + s.label(), estimates.get(s).normalized(runs)), dir.resolve(s.label() + "_attribution.png"));
            }
        }
    }

    /** A text table of the normalised values: rows as the heatmap's, columns numbered. */
    void printTable(PrintWriter out, String title, SiteEffect normalized) {
        Section.Matrix.Panel m = matrix(title, normalized).panels().getFirst();
        out.println(title + " " + shapeText(normalized));
        out.printf("%-8s", "");
        for (int c = 0; c < m.columnLabels().size(); c++) out.printf(" %7s", clip(m.columnLabels().get(c)));
        out.println();
        for (int r = 0; r < m.rowLabels().size(); r++) {
            out.printf("%-8s", m.rowLabels().get(r));
            for (double v : m.values()[r]) out.printf(" %+7.3f", v);
            out.println();
        }
    }

    private static String clip(String s) {
        return s.length() <= 7 ? s : s.substring(0, 6) + "…";
    }
}
