package org.vecformer.cli.command.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimingProgressTest {
    private long now;

    /** A work that takes {@code nanos} on the test clock. */
    private Runnable taking(long nanos) {
        return () -> now += nanos;
    }

    @Test
    void quietAtFirstThenPlainLinesAtMostEveryThirtySeconds() {
        StringWriter text = new StringWriter();
        TimingProgress p = new TimingProgress(new PrintWriter(text), "timing steps", 10, "ms/step", () -> now, false);
        Runnable call = p.wrap(taking(1_000_000_000L));
        call.run();
        assertEquals("", text.toString(), "nothing within the first two seconds");
        for (int i = 0; i < 40; i++) call.run(); // calls end at 2 s, 3 s, … 41 s: lines at 2 s and 32 s
        p.finish();
        List<String> lines = text.toString().lines().toList();
        assertEquals(List.of("timing steps: 2 calls, fastest so far 100.000 ms/step, 2s",
                "timing steps: 32 calls, fastest so far 100.000 ms/step, 32s"), lines);
    }

    @Test
    void onATerminalOneLineIsRewrittenAndEndedByFinish() {
        StringWriter text = new StringWriter();
        TimingProgress p = new TimingProgress(new PrintWriter(text), "timing steps", 5, "ms/step", () -> now, true);
        p.wrap(taking(3_000_000_000L)).run();
        assertTrue(text.toString().startsWith("\rtiming steps: 1 call, fastest so far 600.000 ms/step, 3s"), text.toString());
        p.wrap(taking(2_000_000_000L)).run();
        p.finish();
        String s = text.toString();
        assertEquals(2, s.chars().filter(ch -> ch == '\r').count(), s);
        assertTrue(s.endsWith("timing steps: 2 calls, fastest so far 400.000 ms/step, 5s" + System.lineSeparator()), s);
    }

    @Test
    void onATerminalFastCallsRewriteTheLineAtMostEveryFifthOfASecond() {
        StringWriter text = new StringWriter();
        TimingProgress p = new TimingProgress(new PrintWriter(text), "GEMM 64x64x64 (1 of 1)", 1, "ms", () -> now, true);
        Runnable call = p.wrap(taking(1_000_000L));
        for (int i = 0; i < 3000; i++) call.run(); // 1 ms calls for 3 s: quiet for 2 s, then lines at 2.0, 2.2, … 3.0 s
        p.finish();
        String s = text.toString();
        assertEquals(6, s.chars().filter(ch -> ch == '\r').count(), s);
        assertTrue(s.startsWith("\rGEMM 64x64x64 (1 of 1): 2000 calls, fastest so far 1.000 ms, 2s"), s);
    }

    @Test
    void finishPrintsNothingWhenNothingWasShown() {
        StringWriter text = new StringWriter();
        TimingProgress p = new TimingProgress(new PrintWriter(text), "timing steps", 1, "ms/step", () -> now, true);
        p.wrap(taking(1_000L)).run();
        p.finish();
        assertEquals("", text.toString());
    }
}
