package org.vecformer.engine.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecformer.engine.io.SafetensorsBytes.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A corpus of broken files: each is refused with a SafetensorsException whose one-line message names the problem. */
class SafetensorsMalformedTest {
    @TempDir
    Path dir;

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    private static Arguments broken(String why, byte[] bytes, String message) {
        return Arguments.of(why, bytes, message);
    }

    private static Arguments header(String why, String json, int dataBytes, String message) {
        return broken(why, file(json, dataBytes), message);
    }

    static Stream<Arguments> corpus() {
        byte[] random = new byte[4096];
        new SplittableRandom(2026).nextBytes(random);
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                broken("empty file", new byte[0], "file is 0 bytes, shorter than the 8-byte header length"),
                broken("truncated length", new byte[] {2, 0, 0, 0, 0}, "file is 5 bytes, shorter than"),
                broken("lying header length", file(Long.MAX_VALUE, json, new byte[1014]),
                        "header length 9223372036854775807 exceeds the file size 1024 — the file is truncated"),
                broken("unsigned header length", file(-1L, json, new byte[0]),
                        "header length 18446744073709551615 exceeds the file size 10"),
                broken("header cut short", file(json.length + 1, json, new byte[0]), "header length 3 exceeds the file size 10"),
                broken("random bytes", random, "exceeds the file size 4096"),
                header("empty header", "", 0, "header does not start with '{'"),
                header("array header", "[1, 2]", 0, "header does not start with '{'"),
                header("leading space", " {}", 0, "header does not start with '{'"),
                broken("not UTF-8", file(8, new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}', ' '}, new byte[0]),
                        "header is not valid UTF-8"),
                header("bad JSON", "{\"a\": ", 0, "header is not valid JSON"),
                header("unterminated string", "{\"a\": \"x", 0, "header is not valid JSON"),
                header("trailing content", "{} {}", 0, "header has content after its JSON object"),
                header("duplicate names", "{" + entry("a", "F32", "[]", "[0,4]") + "," + entry("a", "F32", "[]", "[0,4]") + "}",
                        4, "Duplicate"),
                header("entry not an object", "{\"a\": 3}", 0, "tensor 'a': entry is not an object"),
                header("missing dtype", "{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", 4, "tensor 'a': missing or non-string \"dtype\""),
                header("unknown dtype", "{" + entry("a", "F7", "[]", "[0,4]") + "}", 4, "tensor 'a': unknown dtype 'F7'"),
                header("unexpected field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":1}}", 4,
                        "unexpected field 'x'"),
                header("shape missing", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "missing \"shape\""),
                header("shape of floats", "{" + entry("a", "F32", "[1.5]", "[0,4]") + "}", 4, "holds a non-integer"),
                header("negative dimension", "{" + entry("a", "F32", "[2,-1]", "[0,4]") + "}", 4, "negative dimension in shape [2, -1]"),
                header("dimension beyond int", "{" + entry("a", "F32", "[4294967296]", "[0,4]") + "}", 4,
                        "dimension 4294967296 in shape [4294967296] exceeds 2147483647"),
                header("element count overflow", "{" + entry("a", "F32", "[2147483647,2147483647,2147483647]", "[0,4]") + "}", 4,
                        "has more than 2^63 elements"),
                header("byte count overflow", "{" + entry("a", "F64", "[2147483647,2147483647,2]", "[0,4]") + "}", 4,
                        "of F64 needs more than 2^63 bytes"),
                header("shape and size disagree", "{" + entry("a", "F32", "[2]", "[0,4]") + "}", 4,
                        "shape [2] of F32 needs 8 bytes but data_offsets [0, 4] hold 4"),
                header("offsets reversed", "{" + entry("a", "F32", "[]", "[8,4]") + "}", 8, "data_offsets [8, 4] are reversed"),
                header("offsets out of range", "{" + entry("a", "F32", "[2]", "[0,8]") + "}", 4,
                        "data_offsets [0, 8] reach past the data buffer of 4 bytes"),
                header("negative offset", "{" + entry("a", "F32", "[]", "[-4,0]") + "}", 4, "out of range [0, 2^63)"),
                header("huge offset", "{" + entry("a", "F32", "[]", "[0,18446744073709551616]") + "}", 4, "out of range [0, 2^63)"),
                header("three offsets", "{" + entry("a", "F32", "[]", "[0,4,8]") + "}", 4, "not two integers [begin, end]"),
                header("overlapping tensors", "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}",
                        12, "tensors 'a' and 'b' overlap"),
                header("hole between tensors", "{" + entry("a", "F32", "[]", "[0,4]") + "," + entry("b", "F32", "[]", "[8,12]") + "}",
                        12, "hole of 4 bytes before tensor 'b'"),
                header("trailing bytes", "{" + entry("a", "F32", "[]", "[0,4]") + "}", 8,
                        "4 bytes after the last tensor are not described"),
                header("deep nesting", "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0,
                        "header is not valid JSON: Document nesting depth"),
                header("endless number", "{" + entry("a", "F32", "[" + "9".repeat(5_000) + "]", "[0,4]") + "}", 4,
                        "header is not valid JSON: Number value length"),
                header("metadata not an object", "{\"__metadata__\":[\"a\"]}", 0, "__metadata__ is not an object of strings"),
                header("metadata not strings", "{\"__metadata__\":{\"k\":1}}", 0, "__metadata__ value of 'k' is not a string"),
                header("control characters in names", "{" + entry("a\\nb", "F7", "[]", "[0,4]") + "}", 4,
                        "tensor 'a\\u000ab': unknown dtype"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusedWithItsOwnMessage(String why, byte[] bytes, String expected) {
        Path path = SafetensorsBytes.write(dir.resolve("model.safetensors"), bytes);
        SafetensorsException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(path).close()));
        String message = e.getMessage();
        assertTrue(message.startsWith(path + ": "), message);
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
        assertFalse(message.contains("\n") || message.contains("\r"), "one line: " + message);
    }

    @Test
    void headerOverTheLimitIsRefusedWithoutReadingIt() throws IOException {
        Path path = dir.resolve("sparse.safetensors");
        long declared = SafetensorsFile.MAX_HEADER_BYTES + 1;
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(declared + 8);
            f.write(file(declared, new byte[0], new byte[0]));
        }
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(path));
        assertTrue(e.getMessage().contains("header length 104857601 exceeds the limit of 104857600 bytes"), e.getMessage());
    }

    @Test
    void spacePaddingAndAnEmptyFileOfTensorsAreValid() throws IOException {
        Path path = SafetensorsBytes.write(dir.resolve("empty.safetensors"), file("{}      ", 0));
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertTrue(f.tensors().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }
}
