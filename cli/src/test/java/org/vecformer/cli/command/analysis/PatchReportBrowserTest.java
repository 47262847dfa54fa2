package org.vecformer.cli.command.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/**
 * The report of {@code vecformer patch --html} in headless Chromium: every heatmap (exact and attribution, per site)
 * is drawn on a canvas with the prompt's tokens on its position axis, and the page has no script errors. Without
 * /usr/bin/chromium the test fails unless VECFORMER_SKIP_BROWSER_TEST=1 (then it is skipped).
 */
class PatchReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void patchReportDrawsEveryHeatmapWithoutErrors(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            if ("1".equals(System.getenv("VECFORMER_SKIP_BROWSER_TEST"))) {
                Assumptions.abort(CHROMIUM + " is missing and VECFORMER_SKIP_BROWSER_TEST=1: browser test skipped");
            }
            fail(CHROMIUM + " is missing: install Debian's chromium (apt-get install chromium) or set VECFORMER_SKIP_BROWSER_TEST=1");
        }
        Path model = dir.resolve("m.safetensors");
        new ModelFile(Weights.init(Config.of(2, 16, 2, 8, 10, 7), 3, 0.5), Optional.empty()).save(model);
        Path html = dir.resolve("patch.html");
        CliRun run = CliRun.of("patch", "--model", model.toString(), "--clean-tokens", "3 1 4 1 5", "--corrupt-tokens", "3 1 0 1 5",
                "--answer", "4", "--wrong", "0", "--site", "resid_pre,z,k", "--per-position", "--attribution", "--html", html.toString());
        assertEquals(0, run.code(), run.err());

        String dom = dumpDom(dir, html);
        Document doc = Jsoup.parse(dom);
        assertNotNull(doc.getElementById("errors"), () -> "the dumped DOM is not the report: " + dom);
        assertEquals("", doc.getElementById("errors").wholeText(), "script errors on the page");
        int heatmaps = 3 * 2;
        assertEquals(heatmaps, doc.select(".matrix-panel canvas").size(), "one heatmap per site, exact and attribution");
        assertEquals(heatmaps, doc.select(".matrix-legend canvas").size(), "one colour bar per heatmap");
        assertEquals(heatmaps, doc.select("section[data-rendered=1]").size(), "every heatmap section says it is drawn");
        assertEquals(List.of("patched resid_pre [layer][position]", "attribution estimate resid_pre [layer][position]",
                "patched z [layer][head][position]", "attribution estimate z [layer][head][position]",
                "patched k [layer][head][position]", "attribution estimate k [layer][head][position]"),
                doc.select("section h2").eachText().subList(1, 7));
        assertFalse(Files.readString(html).contains("NaN"), "every value is finite");
    }

    private static String dumpDom(Path dir, Path page) throws IOException, InterruptedException {
        List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")), "--virtual-time-budget=2000", "--dump-dom",
                page.toUri().toString());
        Path out = dir.resolve("chromium.out"), err = dir.resolve("chromium.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("chromium did not finish in 60 s");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), () -> "chromium failed: " + stderr);
        assertFalse(stderr.contains("Uncaught"), () -> "uncaught script error: " + stderr);
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
