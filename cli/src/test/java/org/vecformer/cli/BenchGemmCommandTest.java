package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.parallel.Parallel;

/** {@code vecformer bench gemm}, in process: JSON rows per shape, a table, and usage errors for bad shapes. */
class BenchGemmCommandTest {
    @Test
    void printsOneJsonRowPerShape() throws IOException {
        int before = Parallel.threads();
        try {
            CliRun r = CliRun.of("bench", "gemm", "--threads", "1", "--runs", "1", "--warmup", "0", "--shapes", "64x48x32,4x5x6xT", "--json");
            assertEquals(0, r.code(), r.err());
            List<Object> rows = JSON.std.listFrom(r.out());
            assertEquals(2, rows.size());
            Map<?, ?> first = (Map<?, ?>) rows.get(0), second = (Map<?, ?>) rows.get(1);
            assertEquals(List.of(64, 48, 32, 1), List.of(num(first, "m"), num(first, "n"), num(first, "k"), num(first, "threads")));
            assertEquals(Boolean.FALSE, first.get("trans_b"));
            assertEquals(Boolean.TRUE, second.get("trans_b"));
            assertTrue(((Number) first.get("gflops")).doubleValue() > 0, r.out());
            assertEquals(Gemm.blocking(), first.get("blocking"));
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void printsATable() {
        CliRun r = CliRun.of("bench", "gemm", "--runs", "1", "--warmup", "0", "--shapes", "3x4x5xt");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("GFLOPS") && r.out().contains("3x4x5 (B^T)"), r.out());
        assertTrue(r.out().startsWith("GEMM blocking: " + Gemm.blocking() + "\n"), r.out());
    }

    @Test
    void badShapesAreUsageErrors() {
        for (String bad : new String[] {"8x9", "0x4x4", "4x4x4xQ", "axbxc", "-1x2x3", "100000x100000x100000"}) {
            CliRun r = CliRun.of("bench", "gemm", "--shapes", bad);
            assertEquals(Main.USAGE, r.code(), bad + ": " + r.out());
            assertTrue(r.err().contains("--shapes"), r.err());
        }
        assertEquals(Main.USAGE, CliRun.of("bench", "gemm", "--runs", "0").code());
        assertEquals(Main.USAGE, CliRun.of("bench", "gemm", "--warmup", "-1").code());
    }

    private static int num(Map<?, ?> row, String key) {
        return ((Number) row.get(key)).intValue();
    }
}
