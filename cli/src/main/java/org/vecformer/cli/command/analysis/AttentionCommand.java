package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.render.AttentionHead;
import org.vecformer.cli.render.HtmlReport;
import org.vecformer.cli.render.Json;
import org.vecformer.cli.render.Report;
import org.vecformer.cli.render.Section;
import org.vecformer.model.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.PromptOption;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer attention}: the attention pattern of every head on a prompt. */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = "Show the attention pattern of every head on a prompt (text: the key each query attends to most).")
public final class AttentionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Mixin
    PromptOption prompt;

    @Option(names = "--json", description = "Print {tokens, labels, patterns [layer][head][query][key]} as JSON.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write an HTML report with one heatmap per head.")
    Path html;

    @Option(names = "--png", paramLabel = "DIR", description = "Write one PNG heatmap per head (L{l}H{h}.png) into DIR.")
    Path png;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        if (html != null) OutputPaths.file("--html", html);
        if (png != null) OutputPaths.directory("--png", png);
        ModelFile m = model.load();
        int[] ids = prompt.encode(m);
        List<AttentionHead> heads = AttentionPatterns.of(m, ids);
        List<String> labels = AttentionPatterns.labels(m, ids);
        PrintWriter out = spec.commandLine().getOut();
        if (html != null) {
            HtmlReport.write(new Report("Attention patterns", model.path.getFileName() + " · " + ids.length + " tokens",
                    List.of(new Section.Attention("Every head on the prompt (rows: query, columns: key)", labels, heads))), html);
        }
        if (png != null) AttentionPatterns.writePngs(labels, heads, png);
        if (json) {
            int layers = m.config().nLayers(), nHeads = m.config().nHeads();
            List<List<float[][]>> patterns = new ArrayList<>();
            for (int l = 0; l < layers; l++) patterns.add(new ArrayList<>(heads.subList(l * nHeads, (l + 1) * nHeads).stream().map(AttentionHead::pattern).toList()));
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("tokens", ids);
            all.put("labels", labels);
            all.put("patterns", patterns);
            out.println(Json.write(all));
            return 0;
        }
        out.printf("%d tokens; for each head and query position, the key attended to most (weight)%n", ids.length);
        StringBuilder tokenLine = new StringBuilder("tokens");
        List<String> shown = Prompts.showAll(m, ids);
        for (int q = 0; q < ids.length; q++) tokenLine.append(String.format("  %d %s", q, shown.get(q)));
        out.println(tokenLine);
        for (AttentionHead h : heads) {
            StringBuilder line = new StringBuilder(String.format("%-6s", h.label()));
            float[][] p = h.pattern();
            for (int q = 0; q < ids.length; q++) {
                int best = 0;
                for (int k = 1; k <= q; k++) if (p[q][k] > p[q][best]) best = k;
                line.append(String.format("  %d→%d %.2f", q, best, p[q][best]));
            }
            out.println(line);
        }
        if (html != null) out.println("wrote " + html);
        if (png != null) out.println("wrote " + heads.size() + " heatmaps into " + png);
        return 0;
    }
}
