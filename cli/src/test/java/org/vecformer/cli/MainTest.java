package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Simd;

class MainTest {
    @Test
    void helpListsTheCommands() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("info"), r.out());
        assertTrue(r.out().contains("bench"), r.out());
    }

    /**
     * Every command's help renders as written: picocli formats descriptions with String.format, so a bare
     * '%' in one ("% of peak") is not an error but a "[picocli WARN] Could not format" line on stderr and
     * a description printed raw. Its tracer writes to System.err, captured here for the walk.
     */
    @Test
    void everyCommandsHelpFormatsWithoutPicocliWarnings() {
        PrintStream saved = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        int commands = 0;
        try {
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            Deque<CommandLine> todo = new ArrayDeque<>(List.of(Main.commandLine(new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter()))));
            while (!todo.isEmpty()) {
                CommandLine cmd = todo.pop();
                String usage = cmd.getUsageMessage();
                assertFalse(usage.isBlank(), cmd.getCommandName());
                commands++;
                todo.addAll(cmd.getSubcommands().values());
            }
        } finally {
            System.setErr(saved);
        }
        assertTrue(commands > 20, "walked " + commands + " commands");
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }

    @Test
    void versionNamesTheJdk() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("vecformer "), r.out());
        assertTrue(r.out().contains("JDK " + Runtime.version()), r.out());
    }

    @Test
    void unknownOptionIsOneLineWithTheHintAndExit2() {
        CliRun r = CliRun.of("--bogus");
        assertEquals(Main.USAGE, r.code());
        assertEquals("vecformer: unknown option --bogus (vecformer --help)\n", r.err());
    }

    @Test
    void unknownCommandIsNamed() {
        CliRun r = CliRun.of("frobnicate");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().startsWith("vecformer: unknown command 'frobnicate' (commands: info, bench"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void badValuesAreUsageErrors() {
        CliRun r = CliRun.of("info", "--threads", "zero");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("--threads"), r.err());
        CliRun zero = CliRun.of("info", "--threads", "0");
        assertEquals(Main.USAGE, zero.code());
        assertEquals("vecformer: --threads must be >= 1, not 0 (vecformer info --help)\n", zero.err());
    }

    @Test
    void infoReportsTheSpeciesInUse() throws IOException {
        CliRun r = CliRun.of("info", "--json", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> facts = JSON.std.mapFrom(r.out());
        assertEquals(Simd.F.vectorBitSize(), ((Number) facts.get("vector_bits")).intValue());
        assertEquals(1, ((Number) facts.get("threads")).intValue());
        assertEquals(Gemm.blocking(), facts.get("gemm_blocking"));
        assertTrue(((String) facts.get("gemm_blocking")).startsWith("kc="), facts.toString());
        assertEquals(Boolean.TRUE, facts.get("intrinsified"), "this test JVM runs C2 with the Vector API: " + facts);
    }

    @Test
    void benchDotPrintsJsonRows() throws IOException {
        CliRun r = CliRun.of("bench", "dot", "--n", "100", "--json");
        assertEquals(0, r.code(), r.err());
        var rows = JSON.std.listFrom(r.out());
        assertEquals(1, rows.size());
        assertEquals(100, ((Number) ((Map<?, ?>) rows.getFirst()).get("n")).intValue());
        assertEquals(Main.USAGE, CliRun.of("bench", "dot", "--n", "0").code());
    }

    @Test
    void benchPeakReportsAPositiveThroughputPerThread() throws IOException {
        CliRun r = CliRun.of("bench", "peak", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> row = JSON.std.mapFrom(r.out());
        assertEquals(1, ((Number) row.get("threads")).intValue());
        assertTrue(((Number) row.get("gflops")).doubleValue() > 1, r.out());
    }
}
