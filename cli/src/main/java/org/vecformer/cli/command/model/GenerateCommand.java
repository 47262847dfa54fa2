package org.vecformer.cli.command.model;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.model.generate.Generation;
import org.vecformer.model.generate.Generator;
import org.vecformer.model.generate.Sampler;
import org.vecformer.model.generate.SamplingOptions;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer generate}: continues a prompt token by token (KV cache), printing each token as it comes. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt, streaming tokens as they are drawn (stops at --max-tokens or when n_ctx is full).")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
            description = "Text in the model's tokenizer (ids for a model without one); the tokenizer's BOS token, if it has one, goes in front.")
    String prompt;

    @Option(names = "--no-bos", description = "Do not put the BOS token in front of the prompt (TransformerLens' prepend_bos=False).")
    boolean noBos;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "100", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "X", defaultValue = "1.0", description = "Softmax temperature; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Draw only from the K >= 1 most likely tokens (default: all of them).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "Draw only from the smallest set of top tokens with probability >= P (default: 1, all).")
    double topP;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed, for repeatable samples (default: a fresh one).")
    Long seed;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        if (maxTokens < 0) throw new UsageException("--max-tokens must be >= 0, not " + maxTokens);
        if (topK != null && topK < 1) throw new UsageException("--top-k must be >= 1, not " + topK + " (leave it out to draw from every token)");
        SamplingOptions options;
        try {
            options = new SamplingOptions(temperature, topK == null ? 0 : topK, topP, seed != null ? seed : new SplittableRandom().nextLong());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ModelFile m = model.load();
        int[] ids = Prompts.encode(m, null, prompt, noBos);
        Tokenizer tokenizer = m.tokenizer();
        PrintWriter out = spec.commandLine().getOut();
        int bos = !noBos && tokenizer.bos().isPresent() ? 1 : 0;
        TextStream stream = new TextStream(tokenizer);
        StringBuilder start = new StringBuilder();
        for (int i = bos; i < ids.length; i++) start.append(stream.add(ids[i]));
        out.print(start);
        out.flush();
        Generation g = Generator.generate(m.transformer(), ids, maxTokens, new Sampler(options), token -> {
            out.print(stream.add(token));
            out.flush();
        });
        out.println(stream.finish());
        if (g.stop() == Generation.Stop.CONTEXT_FULL) spec.commandLine().getErr().println("vecformer: " + g.message());
        return 0;
    }
}
