package org.vecformer.engine.io.torch;

/**
 * The {@code torch.<Name>Storage} classes a checkpoint's persistent ids may name, each with its element
 * size; only the four floating types convert to float32, tensors on the others are reported as skipped.
 * {@code UntypedStorage} (raw bytes, newer PyTorch) has no element type, so tensors on it are skipped too.
 */
enum StorageType implements PickleGlobal {
    FloatStorage(4, Conversion.F32), HalfStorage(2, Conversion.F16), BFloat16Storage(2, Conversion.BF16),
    DoubleStorage(8, Conversion.F64),
    BoolStorage(1, null), ByteStorage(1, null), CharStorage(1, null), ShortStorage(2, null), IntStorage(4, null),
    LongStorage(8, null), ComplexFloatStorage(8, null), ComplexDoubleStorage(16, null),
    QInt8Storage(1, null), QUInt8Storage(1, null), QInt32Storage(4, null), QUInt4x2Storage(1, null),
    QUInt2x4Storage(1, null), UntypedStorage(1, null);

    /** How elements become float32: exactly for F32/F16/BF16, F64 rounded to nearest (Java's {@code (float)}). */
    enum Conversion { F32, F16, BF16, F64 }

    private final int itemSize;
    private final Conversion conversion;

    StorageType(int itemSize, Conversion conversion) {
        this.itemSize = itemSize;
        this.conversion = conversion;
    }

    /** Bytes per element in the storage record. */
    int itemSize() {
        return itemSize;
    }

    /** The conversion to float32, or null for a storage whose tensors are skipped. */
    Conversion conversion() {
        return conversion;
    }

    @Override
    public String dotted() {
        return "torch." + name();
    }

    /** The storage class {@code torch.<name>}, or null when there is none of that name. */
    static StorageType named(String name) {
        for (StorageType t : values()) {
            if (t.name().equals(name)) return t;
        }
        return null;
    }
}
