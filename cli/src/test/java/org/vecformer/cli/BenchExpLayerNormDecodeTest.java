package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;

/** {@code bench exp}, {@code bench layernorm} and {@code bench decode}, in process at sizes small enough to be quick. */
class BenchExpLayerNormDecodeTest {
    @Test
    void expPrintsNanosecondsPerElementOfEachKernelAndNamesTheFasterVectorOne() throws IOException {
        CliRun r = CliRun.of("bench", "exp", "--n", "1000", "--warmup", "50", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> row = JSON.std.mapFrom(r.out());
        assertEquals(1000, num(row, "n"), 0);
        double ours = num(row, "vector_exp_ns"), jdk = num(row, "jdk_exp_ns"), scalar = num(row, "scalar_exp_ns");
        assertTrue(ours > 0 && jdk > 0 && scalar > 0 && num(row, "vector_exp2_ns") > 0, r.out());
        assertEquals(ours <= jdk ? "vector_exp" : "jdk_exp", row.get("faster"), r.out());
        // the speedup is the ratio of the two per-element times, up to their rounding to 1e-4 ns
        assertEquals(scalar / ours, num(row, "speedup_over_scalar"), 0.01 * scalar / ours + 1e-3, r.out());
    }

    @Test
    void expTextNamesAllThreeKernels() {
        CliRun r = CliRun.of("bench", "exp", "--n", "100", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("VectorOperators.EXP") && r.out().contains("Math.exp") && r.out().contains("exp of 100 floats"), r.out());
    }

    @Test
    void layerNormPrintsShapeTimesAndSpeedupAsJson() throws IOException {
        int before = Parallel.threads();
        try {
            CliRun r = CliRun.of("bench", "layernorm", "--t", "37", "--d-model", "24", "--threads", "2", "--warmup", "50", "--json");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> row = JSON.std.mapFrom(r.out());
            assertEquals(List.of(37.0, 24.0, 2.0), List.of(num(row, "t"), num(row, "d_model"), num(row, "threads")));
            double ms = num(row, "ms"), twin = num(row, "twin_ms");
            assertTrue(ms > 0 && twin > 0, r.out());
            assertTrue(num(row, "gb_per_s") > 0, r.out());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void decodePrintsOneStepOfTheGivenShapeAsJson() throws IOException {
        int before = Parallel.threads();
        try {
            CliRun r = CliRun.of("bench", "decode", "--p", "5", "--layers", "1", "--d-model", "16", "--heads", "2", "--d-head", "8",
                    "--ctx", "8", "--vocab", "13", "--runs", "3", "--warmup", "0", "--threads", "1", "--json");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> row = JSON.std.mapFrom(r.out());
            assertEquals(List.of(5.0, 1.0, 1.0, 16.0, 2.0, 8.0, 13.0), List.of(num(row, "p"), num(row, "threads"), num(row, "n_layers"),
                    num(row, "d_model"), num(row, "n_heads"), num(row, "d_head"), num(row, "d_vocab")));
            double ms = num(row, "ms");
            assertTrue(ms > 0, r.out());
            // tokens/s = 1000 / ms, up to the rounding of ms to 3 decimals
            assertEquals(1e3 / ms, num(row, "tokens_per_s"), 1e3 / Math.max(ms - 5e-4, 1e-6) - 1e3 / ms + 1, r.out());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void decodeAtAnEmptyCacheWorks() {
        CliRun r = CliRun.of("bench", "decode", "--p", "0", "--layers", "1", "--d-model", "8", "--heads", "1", "--d-head", "8",
                "--ctx", "4", "--vocab", "5", "--runs", "1", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("decode step at p=0"), r.out());
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        int before = Parallel.threads();
        try {
            for (String[] args : new String[][] {{"bench", "exp", "--n", "0"}, {"bench", "exp", "--warmup", "-1"},
                    {"bench", "layernorm", "--t", "0"}, {"bench", "layernorm", "--d-model", "0"},
                    {"bench", "decode", "--p", "8", "--ctx", "8", "--vocab", "5", "--d-model", "8", "--heads", "1", "--d-head", "8"},
                    {"bench", "decode", "--runs", "0"}, {"bench", "decode", "--heads", "0"}}) {
                CliRun r = CliRun.of(args);
                assertEquals(Main.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
                assertTrue(r.err().startsWith("vecformer: ") && r.err().lines().findFirst().orElseThrow().contains("--"), "names the option: " + r.err());
                assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static double num(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }
}
