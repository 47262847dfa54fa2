package org.vecformer.model.io;

import java.nio.file.Path;

/** A model file that cannot be used: the message is one line, "model file PATH: problem". */
public final class ModelFileException extends java.io.IOException {
    public ModelFileException(Path path, String problem) {
        this(path + ": " + problem);
    }

    /** From a message that already reads "PATH: problem". */
    ModelFileException(String pathAndProblem) {
        super("model file " + pathAndProblem);
    }
}
