package org.vecformer.cli.command.analysis;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of {@code circuits --series DIR}: scores along a training run's snapshots ({@link CircuitsSeries}). */
public final class SeriesOptions {
    @Option(names = "--series", paramLabel = "DIR",
            description = "Score every snapshot in DIR (tokens_<T>.safetensors from train --save-every, or the Hub's tokens_<N>.pth with --config) against tokens seen, instead of --model.")
    Path dir;

    @Option(names = "--config", paramLabel = "FILE", description = "With --series: the TransformerLens config.json of the tokens_<N>.pth snapshots.")
    Path config;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "With --series: the tokenizer.json that encodes --data for .pth snapshots (model files use their stored one).")
    Path tokenizer;

    @Option(names = "--data", paramLabel = "FILE",
            description = "With --series: held-out data, UTF-8 text when the model has a text tokenizer, else token ids as train --task tokens reads them (default: repeated random tokens).")
    Path data;
}
