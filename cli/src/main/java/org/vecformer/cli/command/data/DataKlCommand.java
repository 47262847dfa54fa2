package org.vecformer.cli.command.data;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.model.circuits.BigramFit;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ModelOption;

/**
 * {@code vecformer data kl}: how far a zero-layer model's next-token table is from a chain's transition matrix,
 * as {@link BigramFit}: mean over current tokens and positions of KL(true ‖ model), and the worst position.
 */
@Command(name = "kl", mixinStandardHelpOptions = true,
        description = {"Mean KL(true || model) in nats between a transition matrix (from 'vecformer data bigram') and a zero-layer",
                "model's next-token probabilities, averaged over current tokens (uniformly) and positions 0..n_ctx-1."})
public final class DataKlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--chain", required = true, paramLabel = "CSV", description = "Transition matrix written by 'vecformer data bigram' (FILE.transition.csv).")
    Path chain;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        BigramChain truth = TransitionCsv.read(chain);
        ModelFile m = model.load();
        if (m.config().nLayers() != 0) {
            throw new UsageException("--model " + model.path + " has " + m.config().nLayers() + " layers; the KL to a chain needs a zero-layer model (train with --layers 0)");
        }
        if (m.config().dVocab() != truth.dVocab()) {
            throw new UsageException("--model " + model.path + " has d_vocab " + m.config().dVocab() + " but the chain has " + truth.dVocab()
                    + " tokens; train with --vocab " + truth.dVocab());
        }
        BigramFit fit = BigramFit.of(m.transformer(), truth);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("mean_kl", fit.meanKl());
            o.put("worst_position_kl", fit.worstKl());
            o.put("per_position_kl", fit.perPosition());
            out.println(Json.write(o));
        } else {
            out.printf("mean KL(true || model) %.5f nats over %d tokens x %d positions (worst position %.5f)%n",
                    fit.meanKl(), truth.dVocab(), fit.perPosition().length, fit.worstKl());
        }
        return 0;
    }
}
