package org.vecformer.cli.command;

import java.nio.file.Path;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.io.ModelFileException;
import picocli.CommandLine.Option;

/** The {@code --model FILE} option of commands that use a model. */
public final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file (safetensors with the config in its metadata).")
    public Path path;

    /** Loads and validates the model file. */
    public ModelFile load() throws ModelFileException {
        return ModelFile.load(path);
    }
}
