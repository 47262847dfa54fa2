package org.vecformer.cli.render;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON output of the CLI (maps, lists, numbers, arrays) through jackson-jr. */
public final class Json {
    private static final JSON WRITER = JSON.std;

    private Json() {}

    /** The value as compact JSON text. */
    public static String write(Object value) {
        try {
            return WRITER.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
