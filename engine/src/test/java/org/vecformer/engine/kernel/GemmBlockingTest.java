package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The blocking the analytical model gives for each fixture machine, against the model evaluated here in
 * double precision from the published cache figures (not from {@link CpuCaches}), and against the values
 * worked by hand for each micro-tile width. Tagged kernel: it runs again under 128- and 256-bit species,
 * whose micro-tiles (6×8, 6×16) change every figure.
 */
@Tag("kernel")
class GemmBlockingTest {
    /** Cache figures in bytes: L1d size and ways, L2 size and ways; 64-byte lines everywhere. */
    private record Machine(double l1, double w1, double l2, double w2) {}

    private static final Map<String, Machine> MACHINES = Map.of(
            "sapphire-rapids", new Machine(48 * 1024, 12, 2048 * 1024, 16),
            "zen4", new Machine(32 * 1024, 8, 1024 * 1024, 8),
            "zen5", new Machine(48 * 1024, 12, 1024 * 1024, 16));

    /**
     * Worked by hand, {kc, mc, nc} per micro-tile width NR. E.g. zen5 at 12×32: ⌊11·32/44⌋ = 8 ways of 4 KiB
     * for the B micro-panel, kc = 8·4096/(32·4) = 256; an L2 way is 64 KiB, 65536/1024 = 64 rows, mc = 60;
     * nc = 14·65536/1024 = 896. zen4 at 12×32: ⌊7·32/44⌋ = 5, kc = 160; 131072/640 = 204.8, mc = 204;
     * 6·131072/640 = 1228.8, nc = 1216.
     */
    private static final Map<String, Map<Integer, Sizes>> BY_HAND = Map.of(
            "sapphire-rapids", Map.of(32, new Sizes(256, 120, 1792), 16, new Sizes(512, 60, 896),
                    8, new Sizes(768, 42, 592)),
            "zen4", Map.of(32, new Sizes(160, 204, 1216), 16, new Sizes(320, 102, 608),
                    8, new Sizes(512, 60, 384)),
            "zen5", Map.of(32, new Sizes(256, 60, 896), 16, new Sizes(512, 30, 448),
                    8, new Sizes(768, 18, 296)));

    /** kc, mc, nc of one blocking, unchecked (a blocking for another width need not suit this species' micro-tile). */
    private record Sizes(int kc, int mc, int nc) {}

    /** The model of {@link GemmBlocking}'s Javadoc, in doubles. */
    private static GemmBlocking model(Machine m) {
        double line = 64, way1 = m.l1 / m.w1, way2 = m.l2 / m.w2, mr = GemmBlocking.MR, nr = GemmBlocking.NR;
        double streamWays = Math.floor((m.w1 - 1) / (1 + mr / nr));
        double kc = Math.floor(streamWays * way1 / (nr * 4) / (line / 4)) * (line / 4);
        kc = Math.min(1024, Math.max(16, kc));
        double mc = Math.max(mr, Math.floor(way2 / (kc * 4) / mr) * mr);
        double nc = Math.max(nr, Math.floor((m.w2 - 2) * way2 / (kc * 4) / nr) * nr);
        return new GemmBlocking((int) kc, (int) mc, (int) nc);
    }

    @Test
    void eachFixtureGetsTheModelsBlocking() {
        for (var e : MACHINES.entrySet()) {
            GemmBlocking got = GemmBlocking.forCaches(CpuCachesTest.caches(e.getKey()));
            assertEquals(model(e.getValue()), got, e.getKey());
            assertEquals(BY_HAND.get(e.getKey()).get(GemmBlocking.NR), new Sizes(got.kc(), got.mc(), got.nc()),
                    e.getKey() + " worked by hand");
        }
    }

    @Test
    void thePanelsTheModelPlacesFitTheirCaches() {
        for (var e : MACHINES.entrySet()) {
            Machine m = e.getValue();
            GemmBlocking b = GemmBlocking.forCaches(CpuCachesTest.caches(e.getKey()));
            double aPanel = GemmBlocking.MR * b.kc() * 4.0, bPanel = b.kc() * GemmBlocking.NR * 4.0;
            double way1 = m.l1 / m.w1, way2 = m.l2 / m.w2;
            assertTrue(Math.ceil(aPanel / way1) + Math.ceil(bPanel / way1) <= m.w1 - 1, e.getKey() + ": L1 panels");
            assertTrue(b.mc() * b.kc() * 4.0 <= way2, e.getKey() + ": A block in one L2 way");
            assertTrue(b.kc() * (double) b.nc() * 4.0 <= (m.w2 - 2) * way2, e.getKey() + ": B block in L2");
        }
    }

    @Test
    void defaultIsTheModelsOrTheFixedBlockingAndSaysWhich() {
        String text = GemmBlocking.description();
        CpuCaches.Reading reading = CpuCaches.read();
        GemmBlocking expected = reading instanceof CpuCaches.Found f ? GemmBlocking.forCaches(f.caches()) : GemmBlocking.FIXED;
        assertEquals(expected, GemmBlocking.DEFAULT);
        assertEquals(GemmBlocking.DEFAULT.kc(), GemmBlocking.KC);
        assertTrue(text.startsWith("kc=" + expected.kc() + " mc=" + expected.mc() + " nc=" + expected.nc()), text);
        assertTrue(text.contains(reading instanceof CpuCaches.Found ? ", from L1d " : ", fixed constants: "), text);
        assertEquals(text, Gemm.blocking());
    }

    @Test
    void fixedBlockingIsTheMeasuredConstants() {
        assertEquals(new GemmBlocking(512, 8 * GemmBlocking.MR, 512), GemmBlocking.FIXED);
    }

    @Test
    void aSliceDeeperThanThePackedStrideIsRefused() {
        GemmBlocking deep = new GemmBlocking(GemmBlocking.KC + 2, GemmBlocking.MR, GemmBlocking.NR);
        float[] x = new float[64 * 64];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmPacked.sgemm(deep, Transpose.N,
                Transpose.N, 8, 8, 8, 1f, x, 0, 8, x, 0, 8, 0f, new float[64], 0, 8));
        assertTrue(e.getMessage().contains("exceeds the packed row stride"), e.getMessage());
    }
}
