package org.vecformer.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private long now;

    @Test
    void quietAtFirstThenOneLinePerUpdateWithEta() {
        StringWriter text = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(text), "heads", 4, () -> now, false);
        now = 1_000_000_000L;
        p.done(1);
        assertEquals("", text.toString(), "nothing within the first two seconds");
        now = 3_000_000_000L;
        p.done(2);
        now = 6_000_000_000L;
        p.done(4);
        assertEquals("heads 2/4  3 s  ETA " + Words.duration(3) + "\nheads 4/4  6 s  ETA " + Words.duration(0) + "\n",
                text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void onATerminalOneLineIsRewrittenAndEndedAtTheLastUnit() {
        StringWriter text = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(text), "heads", 2, () -> now, true);
        now = 2_500_000_000L;
        p.done(1);
        now = 5_000_000_000L;
        p.done(2);
        String s = text.toString();
        assertEquals(2, s.chars().filter(ch -> ch == '\r').count());
        assertTrue(s.endsWith("\n") && s.indexOf('\n') == s.length() - 1, s);
    }

    @Test
    void advanceCountsUnitsFromSeveralThreads() throws InterruptedException {
        StringWriter text = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(text), "circuits", 200, () -> now, false);
        now = 3_000_000_000L;
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50; i++) p.advance();
            });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        String[] lines = text.toString().split("\\R");
        assertEquals(200, lines.length);
        for (int i = 0; i < lines.length; i++) assertTrue(lines[i].startsWith("circuits " + (i + 1) + "/200 "), lines[i]);
    }
}
