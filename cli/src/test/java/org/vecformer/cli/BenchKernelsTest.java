package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench softmax} and {@code bench attention}, in-process at sizes small enough to be quick. */
class BenchKernelsTest {
    @Test
    void softmaxPrintsTimesAndSpeedupAsJson() throws IOException {
        CliRun r = CliRun.of("bench", "softmax", "--t", "64", "--threads", "1", "--warmup", "200", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> row = JSON.std.mapFrom(r.out());
        assertEquals(64, ((Number) row.get("t")).intValue());
        assertEquals(1, ((Number) row.get("threads")).intValue());
        assertTrue(((Number) row.get("ms")).doubleValue() > 0, r.out());
        assertTrue(row.containsKey("twin_ms") && row.containsKey("speedup"), r.out());
    }

    @Test
    void attentionPrintsShapeTimeGflopsAndTwinSpeedupAsJson() throws IOException {
        CliRun r = CliRun.of("bench", "attention", "--t", "33", "--heads", "2", "--d-head", "8", "--threads", "2", "--warmup", "200", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> row = JSON.std.mapFrom(r.out());
        assertEquals(33, ((Number) row.get("t")).intValue());
        assertEquals(2, ((Number) row.get("heads")).intValue());
        assertEquals(8, ((Number) row.get("d_head")).intValue());
        assertEquals(2, ((Number) row.get("threads")).intValue());
        double ms = ((Number) row.get("ms")).doubleValue(), gflops = ((Number) row.get("gflops")).doubleValue();
        assertTrue(ms > 0, r.out());
        // ms is printed rounded to 0.001: the causal-half GFLOPS must lie between what the rounding bounds give
        double flops = 2.0 * 2 * 2 * 8 * 33 * 34 / 2;
        double low = flops / ((ms + 0.0005) * 1e-3) / 1e9, high = flops / (Math.max(ms - 0.0005, 1e-9) * 1e-3) / 1e9;
        // and gflops itself is rounded to 0.001
        assertTrue(gflops >= low * 0.99 - 0.0005 && gflops <= high * 1.01 + 0.0005,
                "gflops counts the causal half: " + gflops + " not in [" + low + ", " + high + "]");
        assertTrue(row.containsKey("twin_ms") && row.containsKey("speedup"), "small T also times the twin: " + r.out());
        // the share of the peak is the kernel's GFLOPS over the peak timed beside it (both rounded to 0.001)
        double peak = ((Number) row.get("peak_gflops")).doubleValue(), share = ((Number) row.get("peak_share")).doubleValue();
        assertTrue(peak > 0, r.out());
        assertEquals(gflops / peak, share, 0.001 + 0.0005 / peak * (1 + share), r.out());
    }

    @Test
    void attentionTextNamesTheShape() {
        CliRun r = CliRun.of("bench", "attention", "--t", "16", "--heads", "1", "--d-head", "4", "--threads", "1", "--warmup", "100");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("T=16, 1 heads x 4"), r.out());
        assertTrue(r.out().contains("GFLOPS"), r.out());
        assertTrue(r.out().contains("of the FMA peak ("), r.out());
    }

    @Test
    void badSizesAreOneLineUsageErrors() {
        for (String[] args : new String[][] {{"bench", "attention", "--t", "0"}, {"bench", "attention", "--heads", "0"},
                {"bench", "attention", "--d-head", "-1"}, {"bench", "softmax", "--t", "0"}, {"bench", "softmax", "--t", "100000"}, {"bench", "attention", "--warmup", "-5"}}) {
            CliRun r = CliRun.of(args);
            assertEquals(Main.USAGE, r.code(), String.join(" ", args));
            assertTrue(r.err().startsWith("vecformer: --"), r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }
}
