package org.vecformer.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PhaseTimesTest {
    private long now;

    @Test
    void eachPhaseIsChargedTheTimeSinceThePreviousOneAndRepeatsAddUp() {
        now = 5_000_000_000L;
        PhaseTimes t = new PhaseTimes(() -> now);
        now += 1_250_000_000L;
        t.end("load");
        now += 10_000_000L;
        t.end("fold");
        now += 500_000_000L;
        t.end("load");
        assertEquals("time: load 1.75 s, fold 0.01 s (total 1.76 s)", t.line());
    }

    @Test
    void printsOnlyWhenAskedOrWhenTheRunWasLong() {
        now = 0;
        PhaseTimes t = new PhaseTimes(() -> now);
        now = ProgressLine.QUIET_NANOS - 1;
        t.end("work");
        StringWriter quiet = new StringWriter();
        t.print(new PrintWriter(quiet), false);
        assertEquals("", quiet.toString());
        StringWriter asked = new StringWriter();
        t.print(new PrintWriter(asked), true);
        assertEquals(t.line(), asked.toString().strip());
        now = ProgressLine.QUIET_NANOS;
        StringWriter longRun = new StringWriter();
        t.print(new PrintWriter(longRun), false);
        assertEquals(t.line(), longRun.toString().strip());
    }
}
