package org.vecformer.cli.command.model;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.generate.TopK;
import org.vecformer.model.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.PromptOption;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer run}: one forward over a prompt, the most likely next tokens at every position. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the model on a prompt and show the top-k next tokens at every position (--json: all logits).")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Mixin
    PromptOption prompt;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "5", description = "Next tokens shown per position (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "Print {tokens, logits [T][d_vocab], top} as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        if (topK < 1) throw new UsageException("--top-k must be >= 1, not " + topK);
        ModelFile m = model.load();
        int[] ids = prompt.encode(m);
        Tensor logits = m.transformer().forward(ids).slice(0);
        int vocab = m.config().dVocab();
        List<float[]> rows = new ArrayList<>();
        List<List<TopK>> top = new ArrayList<>();
        for (int t = 0; t < ids.length; t++) {
            float[] row = logits.slice(t).copy().data();
            rows.add(row);
            top.add(TopK.of(row, 0, vocab, topK));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("tokens", ids);
            all.put("logits", rows);
            List<List<Map<String, Object>>> tops = new ArrayList<>();
            for (List<TopK> position : top) {
                List<Map<String, Object>> entries = new ArrayList<>();
                for (TopK k : position) entries.add(Map.of("token", k.token(), "probability", k.probability()));
                tops.add(entries);
            }
            all.put("top", tops);
            out.println(Json.write(all));
            return 0;
        }
        out.printf("%4s  %-8s  top-%d next tokens (probability)%n", "pos", "token", topK);
        for (int t = 0; t < ids.length; t++) {
            StringBuilder line = new StringBuilder(String.format("%4d  %-8s ", t, Prompts.show(m, ids[t])));
            for (TopK k : top.get(t)) line.append(String.format(" %s %.3f", Prompts.show(m, k.token()), k.probability()));
            out.println(line);
        }
        return 0;
    }
}
