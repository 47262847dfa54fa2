package org.vecformer.cli.render;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** A JSON object from alternating keys and values, keeping their order. */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Writes JSON text and a newline to {@code target} through a temporary file and a rename. */
    public static void writeFile(Path target, String json) throws IOException {
        AtomicWrite.write(target, out -> out.write((json + "\n").getBytes(StandardCharsets.UTF_8)));
    }
}
