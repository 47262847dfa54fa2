package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecentRateTest {
    private static final long MS = 1_000_000L;

    @Test
    void aSlowStartDropsOutOfTheWindow() {
        RecentRate r = new RecentRate(0);
        r.step(1000 * MS);                       // step 1 took 1 s (JIT, warm-up)
        assertEquals(1.0, r.secondsPerStep(), 1e-12);
        long t = 1000 * MS;
        for (int i = 0; i < 600; i++) r.step(t += 10 * MS);
        // the last 5 s are 500 steps of 10 ms each: 100 steps/s, so 1,000 tokens per step make 100,000 tokens/s
        assertEquals(0.010, r.secondsPerStep(), 1e-12);
        assertEquals(100_000, r.perSecond(1000), 1e-6);
    }

    @Test
    void anOccasionalSlowStepIsSpreadOverTheWindow() {
        RecentRate r = new RecentRate(0);
        long t = 0;
        for (int i = 0; i < 600; i++) r.step(t += 10 * MS);
        r.step(t += 200 * MS);                    // the step that evaluated the held-out loss and wrote a snapshot
        // the window holds 5 s: about 480 steps of 10 ms and the slow one, so the slow one adds under 0.5 ms per step
        double s = r.secondsPerStep();
        assertEquals(0.0104, s, 0.0002, "seconds per step " + s);
    }

    @Test
    void slowStepsKeepAtLeastTheLastOneAndAtMostFiveSeconds() {
        RecentRate r = new RecentRate(0);
        long t = 0;
        for (int i = 0; i < 3; i++) r.step(t += 4000 * MS);   // 4 s per step: only the last step fits in 5 s
        assertEquals(4.0, r.secondsPerStep(), 1e-12);
        r.step(t += 1000 * MS);                               // the last two steps span 5 s
        assertEquals(2.5, r.secondsPerStep(), 1e-12);
    }
}
