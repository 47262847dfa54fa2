package org.vecformer.cli.command;

import org.vecformer.model.io.ModelFile;
import picocli.CommandLine.Option;

/** The {@code --tokens IDS | --prompt TEXT [--no-bos]} options of the commands that run a model on one prompt. */
public final class PromptOption {
    @Option(names = "--tokens", paramLabel = "IDS", description = "Token ids, e.g. \"3 1 4\", used as given.")
    public String tokens;

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "Text in the model's tokenizer (ids for a model without one); the tokenizer's BOS token, if it has one, goes in front.")
    public String prompt;

    @Option(names = "--no-bos", description = "Do not put the BOS token in front of --prompt (TransformerLens' prepend_bos=False).")
    boolean noBos;

    /** The prompt's token ids for {@code model}; bad or missing input is a usage error. */
    public int[] encode(ModelFile model) {
        return Prompts.encode(model, tokens, prompt, noBos);
    }
}
