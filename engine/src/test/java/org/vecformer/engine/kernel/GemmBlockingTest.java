package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The blocking the cache rules give for each fixture machine (and a small made-up one, where the L1 limits
 * the depth), against the rules evaluated here in double precision from the published cache figures (not
 * from {@link CpuCaches}), and against the values worked by hand for each micro-tile width. Tagged kernel: it
 * runs again under 128- and 256-bit species, whose micro-tiles (6×8, 6×16) change the figures.
 */
@Tag("kernel")
class GemmBlockingTest {
    /** Cache figures in bytes: L1d size and ways, L2 size and ways; 64-byte lines everywhere. */
    private record Machine(double l1, double w1, double l2, double w2) {
        CpuCaches caches() {
            return new CpuCaches(new CpuCaches.Cache(1, (long) l1, (int) w1, 64), new CpuCaches.Cache(2, (long) l2, (int) w2, 64),
                    Optional.empty());
        }
    }

    private static final Map<String, Machine> MACHINES = Map.of(
            "sapphire-rapids", new Machine(48 * 1024, 12, 2048 * 1024, 16),
            "zen4", new Machine(32 * 1024, 8, 1024 * 1024, 8),
            "zen5", new Machine(48 * 1024, 12, 1024 * 1024, 16),
            "small", new Machine(16 * 1024, 4, 512 * 1024, 8));

    /**
     * Worked by hand, {kc, mc, nc} per micro-tile width NR (MR is 6 for every width). E.g. zen5 at 6×64: an L1
     * way is 4 KiB, 10·4096/(6·4) = 1706.7 > 1024, so kc = 1024; an L2 way is 64 KiB, nc = 14·65536/(1024·4) = 224,
     * down to a multiple of 64: 192; mc = 8·6. small at 6×64: 2·4096/24 = 341.3, a line of 16 floats down: kc = 336;
     * nc = 6·65536/1344 = 292.6, down to 256 (288 at 6×16 and 6×8). zen4: 6·4096/24 = 1024 exactly.
     */
    private static final Map<String, Map<Integer, Sizes>> BY_HAND = Map.of(
            "sapphire-rapids", Map.of(64, new Sizes(1024, 48, 448), 16, new Sizes(1024, 48, 448), 8, new Sizes(1024, 48, 448)),
            "zen4", Map.of(64, new Sizes(1024, 48, 192), 16, new Sizes(1024, 48, 192), 8, new Sizes(1024, 48, 192)),
            "zen5", Map.of(64, new Sizes(1024, 48, 192), 16, new Sizes(1024, 48, 224), 8, new Sizes(1024, 48, 224)),
            "small", Map.of(64, new Sizes(336, 48, 256), 16, new Sizes(336, 48, 288), 8, new Sizes(336, 48, 288)));

    /** kc, mc, nc of one blocking, unchecked (a blocking for another width need not suit this species' micro-tile). */
    private record Sizes(int kc, int mc, int nc) {}

    /** The rules of {@link GemmBlocking}'s Javadoc, in doubles. */
    private static GemmBlocking rules(Machine m) {
        double line = 64, way1 = m.l1 / m.w1, way2 = m.l2 / m.w2, mr = GemmBlocking.MR, nr = GemmBlocking.NR;
        double kc = Math.floor((m.w1 - 2) * way1 / (mr * 4) / (line / 4)) * (line / 4);
        kc = Math.min(1024, Math.max(16, kc));
        double nc = Math.max(nr, Math.floor((m.w2 - 2) * way2 / (kc * 4) / nr) * nr);
        return new GemmBlocking((int) kc, (int) (8 * mr), (int) nc);
    }

    @Test
    void eachMachineGetsTheRulesBlocking() {
        for (var e : MACHINES.entrySet()) {
            CpuCaches caches = e.getKey().equals("small") ? e.getValue().caches() : CpuCachesTest.caches(e.getKey());
            GemmBlocking got = GemmBlocking.forCaches(caches);
            assertEquals(rules(e.getValue()), got, e.getKey());
            assertEquals(BY_HAND.get(e.getKey()).get(GemmBlocking.NR), new Sizes(got.kc(), got.mc(), got.nc()),
                    e.getKey() + " worked by hand");
        }
    }

    @Test
    void thePanelsTheRulesPlaceFitTheirCaches() {
        for (var e : MACHINES.entrySet()) {
            Machine m = e.getValue();
            GemmBlocking b = GemmBlocking.forCaches(m.caches());
            double aPanel = GemmBlocking.MR * b.kc() * 4.0, way1 = m.l1 / m.w1, way2 = m.l2 / m.w2;
            assertTrue(aPanel <= (m.w1 - 2) * way1, e.getKey() + ": the A micro-panel leaves two L1 ways");
            assertTrue(b.kc() * (double) b.nc() * 4.0 <= (m.w2 - 2) * way2, e.getKey() + ": the B block leaves two L2 ways");
            assertTrue(b.kc() * (double) (b.nc() + GemmBlocking.NR) * 4.0 > (m.w2 - 2) * way2, e.getKey() + ": nc is the widest that fits");
        }
    }

    @Test
    void defaultIsTheRulesOrTheFixedBlockingAndSaysWhich() {
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
        assertTrue(e.getMessage().contains("exceeds the deepest slice"), e.getMessage());
    }
}
