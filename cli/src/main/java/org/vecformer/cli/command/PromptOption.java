package org.vecformer.cli.command;

import org.vecformer.model.io.ModelFile;
import picocli.CommandLine.Option;

/** The {@code --tokens IDS | --prompt TEXT} pair of the commands that run a model on one prompt. */
public final class PromptOption {
    @Option(names = "--tokens", paramLabel = "IDS", description = "Token ids, e.g. \"3 1 4\".")
    String tokens;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Text in the model's tokenizer (ids for a model without one).")
    String prompt;

    /** The prompt's token ids for {@code model}; bad or missing input is a usage error. */
    int[] encode(ModelFile model) {
        return Prompts.encode(model, tokens, prompt);
    }
}
