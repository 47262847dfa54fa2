package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.patching.ActivationPatching;
import org.vecformer.model.patching.AttributionPatching;
import org.vecformer.model.patching.Metric;
import org.vecformer.model.patching.PatchRuns;
import org.vecformer.model.patching.PathPatching;
import org.vecformer.model.patching.PathPatching.Head;
import org.vecformer.model.patching.Site;
import org.vecformer.model.patching.SiteEffect;
import org.vecformer.model.tokenize.IdTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer patch}: activation patching from a clean into a corrupted prompt ({@link ActivationPatching}), with
 * first-order attribution patching beside it ({@link AttributionPatching}), or path patching of one sender head
 * ({@link PathPatching}); the metric is the logit difference (or the answer's log-prob) at the last position.
 */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = "Activation patching (and attribution or path patching) from a clean into a corrupted prompt of the same length.")
public final class PatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--clean-tokens", paramLabel = "IDS", description = "The clean prompt as token ids, e.g. \"3 1 4\".")
    String cleanTokens;

    @Option(names = "--corrupt-tokens", paramLabel = "IDS", description = "The corrupted prompt as token ids (same length).")
    String corruptTokens;

    @Option(names = "--clean", paramLabel = "TEXT", description = "The clean prompt as text in the model's tokenizer.")
    String cleanText;

    @Option(names = "--corrupt", paramLabel = "TEXT", description = "The corrupted prompt as text (same length in tokens).")
    String corruptText;

    @Option(names = "--answer", required = true, paramLabel = "ID|TOKEN",
            description = "The right next token: an id with --clean-tokens, one token of text with --clean.")
    String answer;

    @Option(names = "--wrong", paramLabel = "ID|TOKEN", description = "The wrong next token of the logit difference (required by logit-diff).")
    String wrong;

    @Option(names = "--metric", defaultValue = "logit-diff", paramLabel = "METRIC",
            description = "logit-diff: logit[answer] − logit[wrong]; logprob: log-prob of the answer; at the last position (default: ${DEFAULT-VALUE}).")
    String metricName;

    @Option(names = "--site", defaultValue = "resid_pre,attn_out,z,pattern,v,q,k", paramLabel = "SITES",
            description = "Sites to patch, comma-separated (default: ${DEFAULT-VALUE}).")
    String sites;

    @Option(names = "--per-position", description = "Head sites per position too: [layer][head][position] instead of [layer][head].")
    boolean perPosition;

    @Option(names = "--attribution", description = "Also the first-order estimate of every patch from one backward pass (attribution patching).")
    boolean attribution;

    @Option(names = "--path", paramLabel = "L.H", description = "Path patching: the sender head, e.g. 0.3 (needs --receivers).")
    String path;

    @Option(names = "--receivers", paramLabel = "L.H,...", description = "Path patching: the receiver heads, e.g. 1.0,1.2.")
    String receivers;

    @Option(names = "--receiver-input", defaultValue = "q,k,v", paramLabel = "q,k,v",
            description = "Path patching: which inputs of the receivers are patched (default: ${DEFAULT-VALUE}).")
    String receiverInput;

    @Option(names = "--json", description = "Print the results as JSON, with layer_forwards (blocks the patches ran) and timing: the clean and"
            + " corrupted runs (with --attribution: and the backward), the exact patches, the attribution sums, one more plain forward, in seconds.")
    boolean json;

    @Option(names = "--no-bos", description = "Do not put the tokenizer's BOS token in front of --clean/--corrupt text (TransformerLens' prepend_bos=False).")
    boolean noBos;

    @Option(names = "--html", paramLabel = "FILE", description = "Write an HTML report: one heatmap per site, normalised metric on a scale centred on 0.")
    Path html;

    @Option(names = "--png", paramLabel = "DIR", description = "Write one PNG heatmap per site (and per attribution estimate) into DIR.")
    Path png;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        ModelFile m = model.load();
        boolean ids = cleanTokens != null || corruptTokens != null;
        if (ids == (cleanText != null || corruptText != null)) {
            throw new UsageException("give either --clean-tokens and --corrupt-tokens, or --clean and --corrupt");
        }
        int[] clean = ids ? Prompts.encode(m, required(cleanTokens, "--clean-tokens"), null, noBos)
                : Prompts.encode(m, null, required(cleanText, "--clean"), noBos);
        int[] corrupt = ids ? Prompts.encode(m, required(corruptTokens, "--corrupt-tokens"), null, noBos)
                : Prompts.encode(m, null, required(corruptText, "--corrupt"), noBos);
        if (clean.length != corrupt.length) {
            throw new UsageException("the clean prompt has " + clean.length + " tokens and the corrupted one " + corrupt.length
                    + ": give prompts of the same length");
        }
        Metric.Kind kind = switch (metricName.toLowerCase(Locale.ROOT)) {
            case "logit-diff" -> Metric.Kind.LOGIT_DIFF;
            case "logprob" -> Metric.Kind.LOGPROB;
            default -> throw new UsageException("--metric must be logit-diff or logprob, not '" + metricName + "'");
        };
        if (kind == Metric.Kind.LOGIT_DIFF && wrong == null) throw new UsageException("--metric logit-diff needs --wrong ID|TOKEN");
        int answerId = token(m, ids, answer, "--answer");
        int wrongId = wrong == null ? answerId : token(m, ids, wrong, "--wrong");
        List<Site> siteList = parseSites(sites);
        if (path == null && receivers != null) throw new UsageException("--receivers needs --path SENDER_LAYER.HEAD");
        PatchRuns runs;
        long runsStart = System.nanoTime();
        try {
            if (m.config().nLayers() == 0) throw new UsageException("a zero-layer model has no activations to patch: give a model with layers");
            runs = PatchRuns.of(m.transformer(), clean, corrupt, new Metric(kind, answerId, wrongId), attribution && path == null);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        double runsSeconds = (System.nanoTime() - runsStart) / 1e9;
        if (runs.cleanMetric() == runs.corruptMetric()) {
            throw new UsageException("the clean and corrupted prompts give the same metric (" + runs.cleanMetric()
                    + "), so nothing can be restored: pick prompts whose answers differ");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> labels = labels(m, clean, corrupt);
        if (path != null) return pathPatching(runs, labels, out);

        long start = System.nanoTime();
        ActivationPatching exact = new ActivationPatching(runs);
        Map<Site, SiteEffect> effects = new LinkedHashMap<>();
        for (Site s : siteList) effects.put(s, exact.patch(s, perPosition));
        double exactSeconds = (System.nanoTime() - start) / 1e9;
        Map<Site, SiteEffect> estimates = new LinkedHashMap<>();
        start = System.nanoTime();
        if (attribution) {
            AttributionPatching approx = new AttributionPatching(runs);
            for (Site s : siteList) estimates.put(s, approx.estimate(s, perPosition));
        }
        double attributionSeconds = (System.nanoTime() - start) / 1e9;
        PatchReport report = new PatchReport(model.path, runs, labels, effects, estimates);
        if (html != null) report.writeHtml(html);
        if (png != null) report.writePngs(png);
        if (json) {
            Map<String, Object> all = header(runs, labels);
            all.put("sites", report.json(effects));
            if (attribution) all.put("attribution", report.json(estimates));
            all.put("layer_forwards", exact.layerForwards());
            start = System.nanoTime();
            m.transformer().forward(clean);
            all.put("timing", Json.object("runs_seconds", runsSeconds, "exact_seconds", exactSeconds,
                    "attribution_seconds", attributionSeconds, "forward_seconds", (System.nanoTime() - start) / 1e9));
            out.println(Json.write(all));
            return 0;
        }
        out.printf("clean metric %.4f, corrupted %.4f (%s at the last position); values are (patched − corrupt)/(clean − corrupt)%n",
                runs.cleanMetric(), runs.corruptMetric(), describe(m, runs.metric()));
        for (Site s : siteList) {
            report.printTable(out, "patched " + s.label(), effects.get(s).normalized(runs));
            if (attribution) report.printTable(out, "attribution estimate " + s.label(), estimates.get(s).normalized(runs));
        }
        out.printf("%d patched runs recomputed %d blocks (a whole forward is %d) in %.2f s%n", report.patches(effects),
                exact.layerForwards(), m.config().nLayers(), exactSeconds);
        if (html != null) out.println("wrote " + html);
        if (png != null) out.println("wrote heatmaps into " + png);
        return 0;
    }

    private int pathPatching(PatchRuns runs, List<String> labels, PrintWriter out) {
        if (receivers == null) throw new UsageException("--path needs --receivers L.H,... (the heads the sender's effect must pass through)");
        if (attribution || html != null || png != null) throw new UsageException("--path prints one number: drop --attribution, --html and --png");
        double effect;
        Head sender;
        List<Head> receiverHeads = new ArrayList<>();
        Set<Site> inputs = new LinkedHashSet<>();
        try {
            sender = Head.parse(path);
            for (String r : receivers.split(",")) receiverHeads.add(Head.parse(r));
            for (String s : receiverInput.split(",")) inputs.add(Site.parse(s));
            effect = PathPatching.of(runs, sender, receiverHeads, inputs);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (json) {
            Map<String, Object> all = header(runs, labels);
            all.put("path", Json.object("sender", sender.toString(), "receivers", receiverHeads.stream().map(Head::toString).toList(),
                    "receiver_input", inputs.stream().map(Site::label).toList(), "metric", effect, "normalized", runs.normalize(effect)));
            out.println(Json.write(all));
            return 0;
        }
        out.printf("clean metric %.4f, corrupted %.4f%n", runs.cleanMetric(), runs.corruptMetric());
        out.printf("path %s -> %s (%s): metric %.4f, normalised %.4f%n", sender, receiverHeads.stream().map(Head::toString).toList(),
                String.join(",", inputs.stream().map(Site::label).toList()), effect, runs.normalize(effect));
        return 0;
    }

    private static Map<String, Object> header(PatchRuns runs, List<String> labels) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("clean_tokens", runs.cleanTokens());
        all.put("corrupt_tokens", runs.corruptTokens());
        all.put("labels", labels);
        all.put("metric", runs.metric().kind() == Metric.Kind.LOGIT_DIFF ? "logit-diff" : "logprob");
        all.put("answer", runs.metric().answer());
        if (runs.metric().kind() == Metric.Kind.LOGIT_DIFF) all.put("wrong", runs.metric().wrong());
        all.put("clean_metric", runs.cleanMetric());
        all.put("corrupt_metric", runs.corruptMetric());
        return all;
    }

    private static String describe(ModelFile m, Metric metric) {
        return metric.kind() == Metric.Kind.LOGIT_DIFF
                ? "logit[" + Prompts.show(m, metric.answer()) + "] − logit[" + Prompts.show(m, metric.wrong()) + "]"
                : "log p(" + Prompts.show(m, metric.answer()) + ")";
    }

    /** Position labels: the clean token, and "→ corrupt token" where the prompts differ. */
    private static List<String> labels(ModelFile m, int[] clean, int[] corrupt) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < clean.length; i++) {
            String c = Prompts.show(m, clean[i]);
            labels.add(clean[i] == corrupt[i] ? c : c + "→" + Prompts.show(m, corrupt[i]));
        }
        return labels;
    }

    private static String required(String value, String option) {
        if (value == null) throw new UsageException("missing " + option + ": patching needs a clean and a corrupted prompt");
        return value;
    }

    /** An answer id (with id prompts) or one token of text in the model's tokenizer. */
    private static int token(ModelFile m, boolean ids, String text, String option) {
        int[] encoded;
        try {
            encoded = (ids ? new IdTokenizer(m.config().dVocab()) : m.tokenizer()).encode(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
        if (encoded.length != 1) {
            throw new UsageException(option + " '" + text + "' is " + encoded.length + " tokens in this model's tokenizer: give exactly one");
        }
        return encoded[0];
    }

    private static List<Site> parseSites(String sites) {
        List<Site> out = new ArrayList<>();
        try {
            for (String s : sites.split(",")) if (!s.isBlank()) out.add(Site.parse(s));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (out.isEmpty()) throw new UsageException("--site is empty: give one or more of resid_pre,attn_out,z,pattern,v,q,k");
        return out.stream().distinct().toList();
    }
}
