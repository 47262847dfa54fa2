package org.vecformer.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final String HOSTILE = "</script><b>&\"'";

    private static Document parse(Report report) {
        return Jsoup.parse(HtmlReport.toHtml(report));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> data(Document doc) throws IOException {
        Element script = doc.getElementById("report-data");
        Map<String, Object> root = JSON.std.mapFrom(script.data());
        return (List<Map<String, Object>>) (List<?>) root.get("sections");
    }

    private static Section.Attention attentionOf(Report report) {
        return report.sections().stream().filter(s -> s instanceof Section.Attention)
                .map(s -> (Section.Attention) s).findFirst().orElseThrow();
    }

    @Test
    void oneHeadHeatmapPerHeadWithItsLayerAndHead() {
        Report report = SampleReport.build();
        Document doc = parse(report);
        List<Element> figures = doc.select(".head-heatmap");
        assertEquals(SampleReport.LAYERS * SampleReport.HEADS, figures.size());
        Set<String> seen = new HashSet<>();
        for (Element f : figures) {
            String label = "L" + f.attr("data-layer") + "H" + f.attr("data-head");
            assertTrue(seen.add(label), "duplicate " + label);
            assertEquals(label, f.selectFirst("figcaption").text());
        }
        Set<String> expected = new HashSet<>();
        for (AttentionHead h : attentionOf(report).heads()) {
            expected.add(h.label());
        }
        assertEquals(expected, seen);
    }

    @Test
    void sectionsAppearInOrderWithTheirTitles() {
        Report report = SampleReport.build();
        Document doc = parse(report);
        assertEquals(report.title(), doc.title());
        assertEquals(report.title(), doc.selectFirst("h1").text());
        assertEquals(report.subtitle(), doc.selectFirst(".subtitle").text());
        List<String> titles = doc.select("section.report-section > h2").eachText();
        assertEquals(report.sections().stream().map(Section::title).toList(), titles);
    }

    @Test
    void referencesNothingOnTheNetwork() {
        String html = HtmlReport.toHtml(SampleReport.build());
        Document doc = Jsoup.parse(html);
        for (Element e : doc.getAllElements()) {
            for (String attr : List.of("src", "href", "srcset", "style")) {
                String value = e.attr(attr).toLowerCase();
                assertFalse(value.contains("http:") || value.contains("https:") || value.contains("url("),
                        e.tagName() + " " + attr + "=" + value);
            }
        }
        assertTrue(doc.select("link, img, iframe, object, embed, script[src]").isEmpty(), "no external resources");
        Matcher url = Pattern.compile("url\\(|https?://").matcher(html);
        assertFalse(url.find(), () -> "found " + url.group() + " in the page");
    }

    @Test
    void hostileTextIsEscapedEverywhere() throws IOException {
        List<String> tokens = new ArrayList<>(SampleReport.TOKENS);
        tokens.set(3, HOSTILE);
        Report base = SampleReport.build(tokens);
        List<Section> sections = new ArrayList<>(base.sections());
        sections.add(new Section.Text(HOSTILE, List.of(HOSTILE)));
        sections.add(new Section.Table(HOSTILE, List.of(Section.Table.Column.plain(HOSTILE)),
                List.of(List.of(Cell.of(HOSTILE)))));
        sections.add(new Section.Matrix(HOSTILE, List.of(HOSTILE), List.of(HOSTILE), new double[][] {{0.5}},
                ValueRange.PROBABILITY));
        sections.add(new Section.LossCurves(HOSTILE, HOSTILE, false,
                List.of(new Series(HOSTILE, new long[] {0, 10}, new double[] {2, 1}))));
        Report report = new Report(HOSTILE, HOSTILE, sections);
        String html = HtmlReport.toHtml(report);

        assertFalse(html.contains(HOSTILE), "the hostile string appears raw");
        assertFalse(html.contains("<b>"), "an injected element");
        Document doc = Jsoup.parse(html);
        assertTrue(doc.select("b").isEmpty());
        assertEquals(2, doc.select("script").size(), "the data script and the drawing script only");
        assertEquals(HOSTILE, doc.title());
        assertEquals(HOSTILE, doc.selectFirst(".subtitle").text());
        assertEquals(HOSTILE, doc.select(".prompt .tok").get(3).text());
        assertEquals(HOSTILE, doc.select("td").last().text());
        assertEquals(HOSTILE, doc.select("th").last().text());
        assertEquals(4, doc.select("h2").eachText().stream().filter(HOSTILE::equals).count());
        assertEquals(HOSTILE, doc.select(".loss-chart svg").last().attr("aria-label"));

        List<Map<String, Object>> data = data(doc);
        assertEquals(HOSTILE, ((List<?>) data.get(2).get("tokens")).get(3));
        Map<String, Object> matrix = data.get(data.size() - 2);
        Map<String, Object> loss = data.get(data.size() - 1);
        assertEquals(HOSTILE, loss.get("yLabel"));
        assertEquals(HOSTILE, ((Map<?, ?>) ((List<?>) loss.get("series")).get(0)).get("name"));
        Map<?, ?> panel = (Map<?, ?>) ((List<?>) matrix.get("panels")).get(0);
        assertEquals(List.of(HOSTILE), panel.get("rows"));
        assertEquals(List.of(HOSTILE), panel.get("cols"));
    }

    @Test
    void whitespaceTokensAreShownVisibly() {
        Document doc = parse(SampleReport.build());
        List<String> chips = doc.select(".prompt .tok").eachText();
        assertEquals("␣a", chips.get(2));
        assertEquals(":⏎", chips.get(5));
        assertEquals("<bos>", chips.get(0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void embeddedDataRoundTripsPatternsLossesAndMatrices() throws IOException {
        Report report = SampleReport.build();
        List<Map<String, Object>> data = data(parse(report));
        assertEquals(report.sections().size(), data.size());
        for (int s = 0; s < report.sections().size(); s++) {
            Map<String, Object> json = data.get(s);
            switch (report.sections().get(s)) {
                case Section.Attention a -> {
                    assertEquals("attention", json.get("kind"));
                    List<Map<String, Object>> heads = (List<Map<String, Object>>) json.get("heads");
                    assertEquals(a.heads().size(), heads.size());
                    for (int h = 0; h < heads.size(); h++) {
                        AttentionHead head = a.heads().get(h);
                        assertEquals(head.layer(), ((Number) heads.get(h).get("layer")).intValue());
                        assertEquals(head.head(), ((Number) heads.get(h).get("head")).intValue());
                        List<List<Number>> pattern = (List<List<Number>>) heads.get(h).get("pattern");
                        for (int q = 0; q < head.pattern().length; q++) {
                            for (int k = 0; k < head.pattern().length; k++) {
                                assertEquals(head.pattern()[q][k], pattern.get(q).get(k).floatValue(),
                                        head.label() + " [" + q + "][" + k + "]");
                            }
                        }
                    }
                }
                case Section.LossCurves c -> {
                    List<Map<String, Object>> refs = (List<Map<String, Object>>) json.get("references");
                    assertEquals(c.references().size(), refs.size());
                    for (int i = 0; i < refs.size(); i++) {
                        assertEquals(c.references().get(i).name(), refs.get(i).get("name"));
                        assertEquals(c.references().get(i).value(), ((Number) refs.get(i).get("value")).doubleValue());
                    }
                    List<Map<String, Object>> series = (List<Map<String, Object>>) json.get("series");
                    for (int i = 0; i < c.series().size(); i++) {
                        Series expected = c.series().get(i);
                        assertEquals(expected.name(), series.get(i).get("name"));
                        assertEquals(expected.style().name().toLowerCase(), series.get(i).get("style"));
                        assertEquals(expected.group(), ((Number) series.get(i).get("group")).intValue());
                        List<Number> steps = (List<Number>) series.get(i).get("steps");
                        List<Number> loss = (List<Number>) series.get(i).get("loss");
                        for (int p = 0; p < expected.steps().length; p++) {
                            assertEquals(expected.steps()[p], steps.get(p).longValue());
                            assertEquals(expected.loss()[p], loss.get(p).doubleValue());
                        }
                    }
                }
                case Section.Matrix m -> {
                    List<Map<String, Object>> panels = (List<Map<String, Object>>) json.get("panels");
                    assertEquals(m.panels().size(), panels.size());
                    for (int p = 0; p < panels.size(); p++) {
                        double[][] want = m.panels().get(p).values();
                        List<List<Number>> values = (List<List<Number>>) panels.get(p).get("values");
                        assertEquals(m.panels().get(p).name(), panels.get(p).get("name"));
                        for (int r = 0; r < want.length; r++) {
                            for (int c = 0; c < want[r].length; c++) {
                                assertEquals(want[r][c], values.get(r).get(c).doubleValue());
                            }
                        }
                    }
                    assertEquals(m.range().min(), ((Number) json.get("min")).doubleValue());
                    assertEquals(m.range().max(), ((Number) json.get("max")).doubleValue());
                    assertEquals(m.range().centre(), ((Number) json.get("centre")).doubleValue());
                    assertEquals(m.range().centreLabel(), json.get("centreLabel"));
                    assertEquals(m.mask().label(), json.get("mask"));
                    assertEquals(m.mask().block(), ((Number) json.get("maskBlock")).intValue());
                    assertEquals(m.axes().rows(), json.get("rowAxis"));
                    assertEquals(m.axes().columns(), json.get("colAxis"));
                    assertEquals(m.markRowMax(), json.get("markRowMax"));
                }
                case Section.Table t -> assertEquals("table", json.get("kind"));
                case Section.Text t -> assertEquals("text", json.get("kind"));
            }
        }
    }

    @Test
    void heatColumnsAreColouredByValueAndOthersAreNot() {
        Section.Table table = new Section.Table("scores",
                List.of(Section.Table.Column.plain("head"), Section.Table.Column.heat("score", new ValueRange(-1, 1)),
                        Section.Table.Column.plain("plain")),
                List.of(List.of(Cell.of("L0H0"), Cell.of(1.0), Cell.of(1.0)),
                        List.of(Cell.of("L0H1"), Cell.of(-1.0), Cell.of(7L)),
                        List.of(Cell.of("L0H2"), Cell.of(0.0), Cell.of(0.123456, 2))));
        Document doc = parse(new Report("t", "", List.of(table)));
        List<Element> rows = doc.select("tbody tr");
        assertEquals("background:rgb(8,69,148);color:#fff", rows.get(0).child(1).attr("style"));
        assertEquals("background:rgb(165,15,21);color:#fff", rows.get(1).child(1).attr("style"));
        assertEquals("background:rgb(255,255,255)", rows.get(2).child(1).attr("style"));
        assertFalse(rows.get(0).child(2).hasAttr("style"));
        assertEquals("1.000", rows.get(0).child(1).text());
        assertEquals("7", rows.get(1).child(2).text());
        assertEquals("0.12", rows.get(2).child(2).text());
    }

    @Test
    void captionsAreShownAboveTheirCharts() {
        Document doc = parse(SampleReport.build());
        for (Section s : SampleReport.build().sections()) {
            String caption = switch (s) {
                case Section.Matrix m -> m.caption();
                case Section.LossCurves c -> c.caption();
                default -> "";
            };
            if (!caption.isEmpty()) {
                assertTrue(doc.select("p.caption").eachText().contains(caption), caption);
            }
        }
    }

    @Test
    void inlinesTheStyleAndScriptExactlyAsWrittenInTheSources() throws IOException {
        Path sources = Path.of("src/main/resources/org/vecformer/cli/render");
        Document doc = parse(SampleReport.build());
        assertEquals(Files.readString(sources.resolve("report.css")), doc.selectFirst("style").data().substring(1),
                "Maven resource filtering must leave the style alone");
        assertEquals(Files.readString(sources.resolve("report.js")), doc.select("script").last().data().substring(1),
                "Maven resource filtering must leave the script alone");
    }

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("nested").resolve("report.html");
        HtmlReport.write(new Report("first", "", List.of()), file);
        HtmlReport.write(SampleReport.build(), file);
        assertEquals(HtmlReport.toHtml(SampleReport.build()), Files.readString(file, StandardCharsets.UTF_8));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void mismatchedShapesAreRejectedWithTheirSizes() {
        float[][] square = new float[3][3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Section.Attention("a", List.of("x", "y"), List.of(new AttentionHead(0, 1, square))));
        assertTrue(e.getMessage().contains("L0H1") && e.getMessage().contains("2 tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AttentionHead(0, 0, new float[][] {{1, 0}}));
        assertThrows(IllegalArgumentException.class,
                () -> new Section.Matrix("m", List.of("r"), List.of("c", "d"), new double[][] {{1}}, ValueRange.PROBABILITY));
        assertThrows(IllegalArgumentException.class, () -> new ValueRange(1, 1));
        assertThrows(IllegalArgumentException.class, () -> ValueRange.anchored(0, 2, 1, "baseline"), "centre outside the range");
        assertThrows(IllegalArgumentException.class, () -> new Section.Matrix("m", "", new Section.Matrix.Axes("", ""), List.of(),
                ValueRange.PROBABILITY, Section.Matrix.Mask.NONE, false), "no panels");
        assertThrows(IllegalArgumentException.class,
                () -> new Section.LossCurves("l", "loss", true, List.of(new Series("s", new long[] {0}, new double[] {0}))));
    }
}
