package org.vecformer.cli.command.analysis;

import java.nio.file.Path;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.io.ModelFileException;
import picocli.CommandLine.Option;

/** {@code --model FILE} of {@code circuits}, optional there because {@code --series DIR} replaces it. */
public final class OptionalModelOption {
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (safetensors with the config in its metadata); or give --series DIR.")
    public Path path;

    /** Loads and validates the model file. */
    public ModelFile load() throws ModelFileException {
        return ModelFile.load(path);
    }
}
