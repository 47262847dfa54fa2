package org.vecformer.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecformer.engine.io.SafetensorsBytes.concat;
import static org.vecformer.engine.io.SafetensorsBytes.file;
import static org.vecformer.engine.io.SafetensorsBytes.floats;
import static org.vecformer.engine.io.SafetensorsBytes.halves;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** F16, BF16 and F64 files built byte by byte load to the floats their bit patterns mean (F64 rounded to nearest). */
class SafetensorsDtypeTest {
    @TempDir
    Path dir;

    private static void assertSameBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    "element " + i + ": expected " + expected[i] + " got " + actual[i]);
        }
    }

    @Test
    void halfPrecisionTensorsConvertExactly() throws IOException {
        // F16: sign | 5-bit exponent (bias 15) | 10-bit fraction.
        int[] f16 = {0x3C00, 0xC000, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x7BFF, 0x3555, 0x8000};
        float[] f16Expected = {
            1f, -2f, Math.scalb(1f, -24), Math.scalb(1023f, -24), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            65504f, (float) (1 + 0x155 / 1024.0) / 4, -0f,
        };
        // BF16: the top 16 bits of an F32 (sign | 8-bit exponent | 7-bit fraction).
        int[] bf16 = {0x3F80, 0xC040, 0x0001, 0x7F80, 0xFF80, 0x4049, 0x8000};
        float[] bf16Expected = {
            1f, -3f, Math.scalb(1f, -133), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3.140625f, -0f,
        };
        float[] f32 = {0.5f, -7.25f};
        // f16: 18 bytes at [0, 18); bf16: 14 bytes at [18, 32); f32 at the unaligned offset 32 + 2 = 34 after a 1-element bf16.
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3,3],\"data_offsets\":[0,18]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[7],\"data_offsets\":[18,32]},"
                + "\"one\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[32,34]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[34,42]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[42,46]}}";
        byte[] data = concat(halves(f16), halves(bf16), halves(0xBF80), floats(f32), new byte[4]);
        Path path = SafetensorsBytes.write(dir.resolve("half.safetensors"), file(json, data));
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertSameBits(f16Expected, f.readFloats("h"));
            assertArrayEquals(new int[] {3, 3}, f.tensor("h").shape());
            assertSameBits(bf16Expected, f.readFloats("b"));
            assertSameBits(new float[] {-1f}, f.readFloats("one"));
            assertSameBits(f32, f.readFloats("f"));
            assertEquals(Dtype.I32, f.tensors().get("i").dtype());
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.readFloats("i"));
            assertTrue(e.getMessage().contains("dtype I32, which does not convert to float"), e.getMessage());
        }
    }

    @Test
    void doubleTensorsRoundToTheNearestFloat() throws IOException {
        // 1 + 2^-30 lies between the floats 1 and 1 + 2^-23, nearer 1; 1e39 is beyond Float.MAX_VALUE.
        double[] f64 = {0.1, -2.5, 1 + Math.scalb(1.0, -30), 1e39, -0.0};
        float[] expected = {0.1f, -2.5f, 1f, Float.POSITIVE_INFINITY, -0f};
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * f64.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double d : f64) b.putDouble(d);
        String json = "{\"d\":{\"dtype\":\"F64\",\"shape\":[5],\"data_offsets\":[0,40]}}";
        Path path = SafetensorsBytes.write(dir.resolve("double.safetensors"), file(json, b.array()));
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertSameBits(expected, f.readFloats("d"));
        }
    }

    @Test
    void everyHalfPrecisionPatternMatchesTheDefinition() throws IOException {
        int[] all = new int[1 << 16];
        for (int i = 0; i < all.length; i++) all[i] = i;
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[65536],\"data_offsets\":[0,131072]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[65536],\"data_offsets\":[131072,262144]}}";
        Path path = SafetensorsBytes.write(dir.resolve("all.safetensors"), file(json, concat(halves(all), halves(all))));
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            float[] h = f.readFloats("h");
            float[] b = f.readFloats("b");
            for (int bits = 0; bits < all.length; bits++) {
                float half = halfFromDefinition(bits);
                if (Float.isNaN(half)) assertTrue(Float.isNaN(h[bits]), "F16 " + bits);
                else assertEquals(Float.floatToRawIntBits(half), Float.floatToRawIntBits(h[bits]), "F16 " + bits);
                assertEquals(bits << 16, Float.floatToRawIntBits(b[bits]), "BF16 " + bits);
            }
        }
    }

    /** IEEE 754 binary16 from its fields, in double: (-1)^s · 2^(e-15) · (1 + m/1024), or 2^-14 · m/1024 when e = 0. */
    private static float halfFromDefinition(int bits) {
        int sign = bits >> 15;
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        double magnitude;
        if (exponent == 0x1F) magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        else if (exponent == 0) magnitude = Math.scalb(mantissa / 1024.0, -14);
        else magnitude = Math.scalb(1 + mantissa / 1024.0, exponent - 15);
        return (float) (sign == 1 ? -magnitude : magnitude);
    }
}
