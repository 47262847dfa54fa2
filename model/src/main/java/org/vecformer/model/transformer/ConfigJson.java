package org.vecformer.model.transformer;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Map;

/**
 * Typed fields of a config JSON object, each refusal one line naming the field: shared by our own {@link Config} and
 * the TransformerLens configs that {@code vecformer import} reads.
 */
public final class ConfigJson {
    private ConfigJson() {}

    /** The JSON object in {@code json}; anything else is "config is not a JSON object: …". */
    public static Map<String, Object> object(String json) {
        Map<String, Object> m;
        try {
            m = JSON.std.mapFrom(json);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("config is not a JSON object: " + firstLine(e.getMessage()));
        }
        if (m == null) throw new IllegalArgumentException("config is not a JSON object");
        return m;
    }

    /** A string or null. */
    public static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null || v instanceof String) return (String) v;
        throw new IllegalArgumentException("config field " + key + " must be a string or null, not " + v);
    }

    public static boolean bool(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Boolean b) return b;
        throw new IllegalArgumentException("config field " + key + " must be true or false, not " + m.get(key));
    }

    public static Number number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException("config field " + key + " must be a number, not " + m.get(key));
        return n;
    }

    /** A whole number that fits an int; a missing key is "config is missing KEY". */
    public static int integer(Map<String, Object> m, String key) {
        if (!m.containsKey(key)) throw new IllegalArgumentException("config is missing " + key);
        Number n = number(m, key);
        if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("config field " + key + " must be a whole number, not " + n);
        }
        return n.intValue();
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
