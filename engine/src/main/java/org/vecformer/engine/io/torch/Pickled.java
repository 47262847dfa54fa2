package org.vecformer.engine.io.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The values the safe unpickler builds. Containers compare by identity on purpose: a pickle can nest them
 * a million deep or make a list contain itself, so nothing may walk them recursively (no value equality,
 * hashing or printing); {@link #kind(Object)} describes a value without looking inside it.
 * Python's str, int, float, bool are {@link String}, {@link Long}, {@link Double}, {@link Boolean}.
 */
final class Pickled {
    private Pickled() {
    }

    /** Python's None. */
    enum None { NONE }

    /** A tuple; its items never change. */
    static final class Tuple {
        final List<Object> items;

        Tuple(List<Object> items) {
            this.items = List.copyOf(items);
        }
    }

    /** A list (APPEND/APPENDS may grow it). */
    static final class PList {
        final List<Object> items = new ArrayList<>();
    }

    /** A dict or OrderedDict, in insertion order; keys are strings, ints, floats, bools or None. */
    static final class PDict {
        final LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
    }

    /** Python bytes. */
    record Bytes(byte[] value) {
    }

    /** A storage named by a persistent id {@code ('storage', type, key, location, numel)}; data in {@code data/<key>}. */
    record StorageRef(StorageType type, String key, long numel) {
    }

    /**
     * A tensor: element {@code (i_0, ..., i_{n-1})} is storage element {@code offset + Σ_d i_d·stride[d]}.
     * Only its types are checked here; {@link TorchCheckpoint} checks the numbers against the storage.
     */
    static final class TensorRef {
        final StorageRef storage;
        final long offset;
        final long[] size;
        final long[] stride;

        TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
            this.storage = storage;
            this.offset = offset;
            this.size = size;
            this.stride = stride;
        }
    }

    /** A short description of a value for a message ("a tuple of 3", "an int (5)"), never recursing. */
    static String kind(Object o) {
        return switch (o) {
            case String s -> "a string (" + quote(s) + ")";
            case Long l -> "an int (" + l + ")";
            case Double d -> "a float (" + d + ")";
            case Boolean b -> "a bool (" + (b ? "True" : "False") + ")";
            case None n -> "None";
            case Tuple t -> "a tuple of " + t.items.size();
            case PList l -> "a list";
            case PDict d -> "a dict";
            case Bytes b -> "bytes";
            case PickleGlobal g -> "the global " + g.dotted();
            case StorageRef s -> "a storage";
            case TensorRef t -> "a tensor";
            default -> "a " + o.getClass().getSimpleName();
        };
    }

    /** {@code s} in single quotes, made safe for a one-line message by {@link #clean(String)}. */
    static String quote(String s) {
        return "'" + clean(s) + "'";
    }

    /** {@code s} on one line: control characters escaped, at most 80 characters kept. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(s.length(), 80);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (n < s.length()) b.append("...");
        return b.toString();
    }
}
