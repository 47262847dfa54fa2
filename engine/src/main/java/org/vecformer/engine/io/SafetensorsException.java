package org.vecformer.engine.io;

import java.io.IOException;

/** A safetensors file that cannot be trusted or used; the message is one line: {@code "<file>: <problem>"}. */
public final class SafetensorsException extends IOException {
    public SafetensorsException(String file, String problem) {
        super(file + ": " + problem);
    }
}
