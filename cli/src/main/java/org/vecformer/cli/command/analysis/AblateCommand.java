package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.model.circuits.HeadAblation;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.PromptOption;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer ablate}: the change in mean next-token loss on a prompt when each head in turn is zero- or
 * mean-ablated through {@code hook_z} ({@link HeadAblation}).
 */
@Command(name = "ablate", mixinStandardHelpOptions = true,
        description = "Ablate each head in turn (zero or mean) and show the change in next-token loss on a prompt.")
public final class AblateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Mixin
    PromptOption prompt;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "zero",
            description = "zero: the head's z becomes 0; mean: its mean over the prompt's positions (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--json", description = "Print {tokens, mode, clean_loss, loss_change [layer][head]} as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        HeadAblation.Kind kind = switch (mode.toLowerCase(Locale.ROOT)) {
            case "zero" -> HeadAblation.Kind.ZERO;
            case "mean" -> HeadAblation.Kind.MEAN;
            default -> throw new UsageException("--mode must be zero or mean, not '" + mode + "'");
        };
        ModelFile m = model.load();
        int[] ids = prompt.encode(m);
        if (ids.length < 2) throw new UsageException("the prompt has 1 token and so no next-token loss: give at least 2 tokens");
        HeadAblation ablation = HeadAblation.of(m.transformer(), new int[][] {ids}, kind);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("tokens", ids);
            all.put("mode", kind.name().toLowerCase(Locale.ROOT));
            all.put("clean_loss", ablation.cleanLoss());
            all.put("loss_change", ablation.lossChange());
            out.println(Json.write(all));
            return 0;
        }
        Config c = m.config();
        out.printf("%s ablation on %d tokens; clean mean loss %.4f%n", kind.name().toLowerCase(Locale.ROOT), ids.length, ablation.cleanLoss());
        out.println("change in mean next-token loss with the head ablated (positive: the head helps)");
        out.printf("%-6s", "");
        for (int h = 0; h < c.nHeads(); h++) out.printf(" %8s", "H" + h);
        out.println();
        for (int l = 0; l < c.nLayers(); l++) {
            out.printf("%-6s", "L" + l);
            for (int h = 0; h < c.nHeads(); h++) out.printf(" %+8.4f", ablation.lossChange()[l][h]);
            out.println();
        }
        return 0;
    }
}
