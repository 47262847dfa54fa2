package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.model.train.StepFlops;
import org.vecformer.model.transformer.Config;

/** {@code vecformer bench train}, in process on a tiny model: the JSON fields agree with each other and with {@link StepFlops}, and bad sizes are usage errors. */
class BenchTrainCommandTest {
    @Test
    void printsConsistentJson() throws IOException {
        int before = Parallel.threads();
        try {
            CliRun r = CliRun.of("bench", "train", "--threads", "1", "--layers", "1", "--d-model", "16", "--heads", "2",
                    "--ctx", "8", "--vocab", "11", "--batch", "3", "--steps", "2", "--runs", "1", "--warmup", "0", "--json");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> m = JSON.std.mapFrom(r.out());
            assertEquals(List.of(1, 16, 2, 8, 8, 11, 3, 1), List.of(num(m, "layers"), num(m, "d_model"), num(m, "heads"),
                    num(m, "d_head"), num(m, "ctx"), num(m, "vocab"), num(m, "batch"), num(m, "threads")));
            double tokensPerS = ((Number) m.get("tokens_per_s")).doubleValue(), ms = ((Number) m.get("ms_per_step")).doubleValue();
            assertTrue(tokensPerS > 0 && ms > 0, r.out());
            // tokens/s = batch·ctx / (ms/1000), up to the rounding of ms to 3 decimals
            double expected = 3 * 8 / (ms / 1e3), slack = 3 * 8 / ((ms - 5e-4) / 1e3) - expected + 1;
            assertEquals(expected, tokensPerS, slack, r.out());
            // effective GFLOPS = the step's matrix-product work over its time; the share divides it by the reference GEMM's
            double flops = StepFlops.of(Config.of(1, 16, 2, 8, 8, 11), 3), gflops = dbl(m, "gflops"), gemm = dbl(m, "gemm_gflops");
            assertEquals(flops / (ms / 1e3) / 1e9, gflops, 0.05 + flops / ((ms - 5e-4) / 1e3) / 1e9 - flops / (ms / 1e3) / 1e9, r.out());
            assertEquals("24x48x16", m.get("gemm_shape"), "the QKV product: batch·ctx rows, 3·heads·d_head columns, depth d_model");
            assertTrue(gemm > 0, r.out());
            assertEquals(gflops / gemm, dbl(m, "gemm_bound"), 0.0005 + 0.05 / gemm, r.out());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void badSizesAreUsageErrors() {
        int before = Parallel.threads();
        try {
            CliRun r = CliRun.of("bench", "train", "--threads", "1", "--d-model", "10", "--heads", "3");
            assertEquals(2, r.code());
            assertTrue(r.err().contains("--d-head"), r.err());
            assertEquals(2, CliRun.of("bench", "train", "--threads", "1", "--batch", "0").code());
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static double dbl(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private static int num(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).intValue();
    }
}
