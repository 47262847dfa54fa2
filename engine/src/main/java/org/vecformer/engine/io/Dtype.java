package org.vecformer.engine.io;

/**
 * Element types a safetensors header may name, spelled as in the format ({@code "F32"}, {@code "BF16"}, ...),
 * each with its size in bytes. Only {@link #F32}, {@link #F16}, {@link #BF16} and {@link #F64} convert to float
 * ({@link SafetensorsFile#readFloats(String)}); the others are recognised so that their byte ranges can be checked.
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), F8_E8M0(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8), C64(8);

    private final int size;

    Dtype(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The dtype spelled {@code name} exactly as in a header, or null when there is none. */
    static Dtype parse(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) return d;
        }
        return null;
    }
}
