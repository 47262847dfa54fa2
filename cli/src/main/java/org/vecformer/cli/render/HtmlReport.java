package org.vecformer.cli.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Report} as ONE self-contained HTML file: inline CSS, inline script, and the data as inline JSON
 * ({@code <script type="application/json" id="report-data">}); nothing is fetched, so the file opens from disk.
 *
 * <p>Text, token lists and tables are static HTML (escaped here); loss curves (SVG), attention heatmaps and matrix
 * heatmaps (canvas) are drawn by the script from the JSON, with hover tooltips. Stable hooks for tests and tools:
 * every head is a {@code <figure class="head-heatmap" data-layer=".." data-head="..">} that gets
 * {@code data-rendered="1"} once drawn (so does each drawn section), every heatmap canvas carries {@code data-grid="x0 y0 cell rows cols"} (its
 * cell grid in CSS pixels), and script errors are written into {@code <pre id="errors">}.
 */
public final class HtmlReport {
    private static final String CSS = resource("report.css");
    private static final String SCRIPT = resource("report.js");

    private HtmlReport() {}

    /** Writes the report to {@code file} atomically (temporary file + rename). */
    public static void write(Report report, Path file) throws IOException {
        byte[] html = toHtml(report).getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(file, out -> out.write(html));
    }

    /** The report as an HTML document. */
    public static String toHtml(Report report) {
        StringBuilder body = new StringBuilder();
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < report.sections().size(); i++) {
            Section section = report.sections().get(i);
            body.append("<section class=\"report-section\" id=\"s").append(i).append("\" data-index=\"").append(i)
                    .append("\">\n");
            if (!section.title().isEmpty()) {
                body.append("<h2>").append(Html.escape(section.title())).append("</h2>\n");
            }
            data.add(switch (section) {
                case Section.Text t -> text(t, body);
                case Section.LossCurves c -> lossCurves(c, body);
                case Section.Attention a -> attention(a, body);
                case Section.Table t -> table(t, body);
                case Section.Matrix m -> matrix(m, body);
            });
            body.append("</section>\n");
        }
        String json = Html.scriptSafeJson(Json.write(Map.of("sections", data)));
        String title = Html.escape(report.title());
        StringBuilder html = new StringBuilder(body.length() + json.length() + CSS.length() + SCRIPT.length() + 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(title).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n")
                .append("<body>\n<header>\n<h1>").append(title).append("</h1>\n");
        if (!report.subtitle().isEmpty()) {
            html.append("<p class=\"subtitle\">").append(Html.escape(report.subtitle())).append("</p>\n");
        }
        html.append("</header>\n<pre id=\"errors\" role=\"alert\"></pre>\n<main>\n").append(body).append("</main>\n")
                .append("<div id=\"tip\" role=\"tooltip\"></div>\n")
                .append("<script type=\"application/json\" id=\"report-data\">").append(json).append("</script>\n")
                .append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static Object text(Section.Text text, StringBuilder body) {
        for (String p : text.paragraphs()) {
            body.append("<p>").append(Html.escape(p)).append("</p>\n");
        }
        return Map.of("kind", "text");
    }

    private static Object lossCurves(Section.LossCurves curves, StringBuilder body) {
        caption(curves.caption(), body);
        body.append("<div class=\"loss-chart\"><svg class=\"chart\" role=\"img\" aria-label=\"")
                .append(Html.escape(curves.title())).append("\"></svg></div>\n");
        List<Object> series = new ArrayList<>();
        for (Series s : curves.series()) {
            series.add(Json.object("name", s.name(), "steps", s.steps(), "loss", s.loss(),
                    "style", s.style().name().toLowerCase(Locale.ROOT), "group", s.group()));
        }
        List<Object> references = new ArrayList<>();
        for (Section.LossCurves.Reference r : curves.references()) {
            references.add(Json.object("name", r.name(), "value", r.value()));
        }
        return Json.object("kind", "loss", "xLabel", curves.xLabel(), "yLabel", curves.yLabel(), "log", curves.logScale(), "series", series,
                "references", references);
    }

    private static void caption(String caption, StringBuilder body) {
        if (!caption.isEmpty()) {
            body.append("<p class=\"caption\">").append(Html.escape(caption)).append("</p>\n");
        }
    }

    private static Object attention(Section.Attention attention, StringBuilder body) {
        List<String> visible = attention.tokens().stream().map(Tokens::visible).toList();
        body.append("<p class=\"prompt\">");
        for (int i = 0; i < visible.size(); i++) {
            body.append("<span class=\"tok\" data-pos=\"").append(i).append("\" title=\"position ").append(i)
                    .append("\">").append(Html.escape(visible.get(i))).append("</span>");
        }
        body.append("</p>\n<p class=\"hint\">Rows are query positions, columns key positions; hover a cell for its "
                + "tokens and weight, click a head to enlarge it.</p>\n<div class=\"head-grid\">\n");
        List<Object> heads = new ArrayList<>();
        int layer = Integer.MIN_VALUE;
        for (int i = 0; i < attention.heads().size(); i++) {
            AttentionHead h = attention.heads().get(i);
            if (h.layer() != layer) {
                if (layer != Integer.MIN_VALUE) {
                    body.append("</div></div>\n");
                }
                layer = h.layer();
                body.append("<div class=\"layer-row\"><div class=\"layer-label\">Layer ").append(layer)
                        .append("</div><div class=\"layer-heads\">\n");
            }
            body.append("<figure class=\"head-heatmap\" data-layer=\"").append(h.layer()).append("\" data-head=\"")
                    .append(h.head()).append("\" data-i=\"").append(i).append("\" tabindex=\"0\"><figcaption>")
                    .append(h.label()).append("</figcaption><div class=\"plot\"></div></figure>\n");
            heads.add(Json.object("layer", h.layer(), "head", h.head(), "label", h.label(), "pattern", h.pattern()));
        }
        if (layer != Integer.MIN_VALUE) {
            body.append("</div></div>\n");
        }
        body.append("</div>\n<div class=\"head-focus\"><h3 class=\"focus-title\"></h3><div class=\"plot\"></div></div>\n");
        return Json.object("kind", "attention", "tokens", visible, "heads", heads);
    }

    private static Object table(Section.Table table, StringBuilder body) {
        body.append("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for (Section.Table.Column c : table.columns()) {
            body.append("<th>").append(Html.escape(c.header())).append("</th>");
        }
        body.append("</tr></thead>\n<tbody>\n");
        for (List<Cell> row : table.rows()) {
            body.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                ValueRange heat = table.columns().get(c).heat();
                switch (row.get(c)) {
                    case Cell.Text t -> body.append("<td>").append(Html.escape(t.display())).append("</td>");
                    case Cell.Numeric n -> {
                        body.append("<td class=\"num\"");
                        if (heat != null && Double.isFinite(n.value())) {
                            int colour = HeatColour.rgb(n.value(), heat);
                            body.append(" style=\"background:").append(HeatColour.css(colour));
                            if (HeatColour.dark(colour)) {
                                body.append(";color:#fff");
                            }
                            body.append('"');
                        }
                        body.append('>').append(Html.escape(n.display())).append("</td>");
                    }
                }
            }
            body.append("</tr>\n");
        }
        body.append("</tbody>\n</table></div>\n");
        return Map.of("kind", "table");
    }

    private static Object matrix(Section.Matrix matrix, StringBuilder body) {
        caption(matrix.caption(), body);
        body.append("<div class=\"matrix\"><div class=\"panels\"></div></div>\n");
        List<Object> panels = new ArrayList<>();
        for (Section.Matrix.Panel p : matrix.panels()) {
            panels.add(Json.object("name", p.name(), "rows", p.rowLabels().stream().map(Tokens::visible).toList(),
                    "cols", p.columnLabels().stream().map(Tokens::visible).toList(), "values", p.values()));
        }
        ValueRange range = matrix.range();
        return Json.object("kind", "matrix", "panels", panels, "rowAxis", matrix.axes().rows(),
                "colAxis", matrix.axes().columns(), "min", range.min(), "max", range.max(), "centre", range.centre(),
                "centreLabel", range.centreLabel(), "mask", matrix.mask().label(), "maskBlock", matrix.mask().block(), "markRowMax", matrix.markRowMax());
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + HtmlReport.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
