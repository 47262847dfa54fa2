package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.model.circuits.DirectLogitAttribution;
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

/**
 * {@code vecformer attribute}: direct logit attribution at one position of a prompt — how much the embedding, the
 * positional embedding, each head and each b_O add to the logit of the actual next token (or of {@code --target}),
 * with the final layer norm's scale frozen ({@link DirectLogitAttribution}).
 */
@Command(name = "attribute", mixinStandardHelpOptions = true,
        description = "Direct logit attribution: each head's and the embeddings' share of one logit at a position of a prompt.")
public final class AttributeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Mixin
    PromptOption prompt;

    @Option(names = "--position", paramLabel = "P",
            description = "Position whose logit is attributed (default: the last one; without --target the last that has a next token).")
    Integer position;

    @Option(names = "--target", paramLabel = "ID", description = "Token id whose logit is attributed (default: the actual next token).")
    Integer target;

    @Option(names = "--json", description = "Print {tokens, position, target, logit, constant, components: [{name, contribution}]} as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        ModelFile m = model.load();
        int[] ids = prompt.encode(m);
        int t = ids.length, vocab = m.config().dVocab();
        if (target == null && t < 2) throw new UsageException("the prompt has 1 token and so no next token: give a longer prompt or --target ID");
        if (target != null && (target < 0 || target >= vocab)) throw new UsageException("--target must be a token id in [0, " + vocab + "), not " + target);
        int last = target == null ? t - 2 : t - 1;
        int p = position != null ? position : last;
        if (p < 0 || p > last) {
            throw new UsageException("--position must be in [0, " + last + "] for this prompt of " + t + " tokens"
                    + (target == null ? " (the last token has no next token; give --target ID to attribute there)" : "") + ", not " + p);
        }
        int y = target != null ? target : ids[p + 1];
        int[] targets = new int[p + 1];
        targets[p] = y;
        DirectLogitAttribution dla = DirectLogitAttribution.of(m.transformer(), ids, targets);
        double[] contributions = dla.contributions()[p];
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("tokens", ids);
            all.put("position", p);
            all.put("target", y);
            all.put("logit", dla.logits()[p]);
            all.put("constant", dla.constant()[p]);
            all.put("total", dla.total(p));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int c = 0; c < contributions.length; c++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", dla.components().get(c));
                row.put("contribution", contributions[c]);
                rows.add(row);
            }
            all.put("components", rows);
            all.put("definition", "contribution = ((c - mean c) / s) . (w_ln_final * W_U[:, target]) with the ln_final scale s frozen;"
                    + " sum of contributions + constant (b_ln_final . W_U[:, target] + b_U[target]) = logit");
            out.println(Json.write(all));
            return 0;
        }
        out.printf("logit of %s at position %d (token %s): %.4f%n", Prompts.show(m, y), p, Prompts.show(m, ids[p]), dla.logits()[p]);
        out.println("direct contributions through the residual stream (final layer norm scale frozen)");
        for (int c = 0; c < contributions.length; c++) out.printf("  %-8s %9.4f%n", dla.components().get(c), contributions[c]);
        out.printf("  %-8s %9.4f%n", "biases", dla.constant()[p]);
        out.printf("  %-8s %9.4f%n", "sum", dla.total(p));
        return 0;
    }
}
