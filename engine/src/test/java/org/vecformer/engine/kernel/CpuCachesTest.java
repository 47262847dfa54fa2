package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading sysfs cache trees: the fixtures under {@code src/test/resources/cpucaches} (made by its
 * {@code make_fixtures.sh} from the vendors' published cache sizes) and broken trees, which must come back
 * {@link CpuCaches.Unreadable} with a reason naming the problem, never an exception.
 */
class CpuCachesTest {
    static Path fixture(String name) {
        try {
            return Path.of(CpuCachesTest.class.getResource("/cpucaches/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static CpuCaches caches(String name) {
        return assertInstanceOf(CpuCaches.Found.class, CpuCaches.read(fixture(name))).caches();
    }

    @Test
    void readsSapphireRapids() {
        CpuCaches c = caches("sapphire-rapids");
        assertEquals(new CpuCaches.Cache(1, 48 * 1024, 12, 64), c.l1d());
        assertEquals(new CpuCaches.Cache(2, 2 * 1024 * 1024, 16, 64), c.l2());
        assertEquals(Optional.of(new CpuCaches.Cache(3, 105L * 1024 * 1024, 15, 64)), c.l3());
        assertEquals(64, c.l1d().sets());
        assertEquals(2048, c.l2().sets());
        assertEquals(128 * 1024, c.l2().wayBytes());
        assertEquals("L1d 48 KiB 12-way, L2 2 MiB 16-way, L3 105 MiB 15-way", c.toString());
    }

    @Test
    void readsZen4AndZen5SkippingTheInstructionCache() {
        CpuCaches zen4 = caches("zen4"), zen5 = caches("zen5");
        assertEquals(new CpuCaches.Cache(1, 32 * 1024, 8, 64), zen4.l1d());
        assertEquals(new CpuCaches.Cache(2, 1024 * 1024, 8, 64), zen4.l2());
        assertEquals(new CpuCaches.Cache(1, 48 * 1024, 12, 64), zen5.l1d());
        assertEquals(new CpuCaches.Cache(2, 1024 * 1024, 16, 64), zen5.l2());
        assertEquals(32L * 1024 * 1024, zen5.l3().orElseThrow().size());
    }

    /** What glibc's {@code getconf -a} printed on a Zen 5 Firecracker guest whose sysfs lists no caches (abridged). */
    static final String GETCONF_ZEN5_GUEST = """
            PAGESIZE                           4096
            LEVEL1_ICACHE_SIZE                 32768
            LEVEL1_ICACHE_ASSOC                
            LEVEL1_ICACHE_LINESIZE             64
            LEVEL1_DCACHE_SIZE                 49152
            LEVEL1_DCACHE_ASSOC                12
            LEVEL1_DCACHE_LINESIZE             64
            LEVEL2_CACHE_SIZE                  1048576
            LEVEL2_CACHE_ASSOC                 8
            LEVEL2_CACHE_LINESIZE              64
            LEVEL3_CACHE_SIZE                  532676608
            LEVEL3_CACHE_ASSOC                 0
            LEVEL3_CACHE_LINESIZE              64
            LEVEL4_CACHE_SIZE                  
            """;

    @Test
    void getconfGivesTheDataCachesAndAFullyAssociativeL3() {
        CpuCaches.Found f = assertInstanceOf(CpuCaches.Found.class, CpuCaches.fromGetconf(GETCONF_ZEN5_GUEST));
        assertEquals("getconf -a", f.source());
        assertEquals(new CpuCaches.Cache(1, 48 * 1024, 12, 64), f.caches().l1d());
        assertEquals(new CpuCaches.Cache(2, 1024 * 1024, 8, 64), f.caches().l2());
        assertEquals(Optional.of(new CpuCaches.Cache(3, 532676608L, 532676608 / 64, 64)), f.caches().l3());
        assertEquals(1, f.caches().l3().orElseThrow().sets());
    }

    @Test
    void getconfWithoutCacheLinesOrWithGarbageIsUnreadable() {
        String noL2 = GETCONF_ZEN5_GUEST.replace("LEVEL2_CACHE_SIZE                  1048576", "LEVEL2_CACHE_SIZE");
        assertEquals("getconf -a gives no L2 cache size",
                assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.fromGetconf(noL2)).reason());
        assertEquals("getconf -a gives no L1 data cache size",
                assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.fromGetconf("")).reason());
        String odd = GETCONF_ZEN5_GUEST.replace("LEVEL1_DCACHE_ASSOC                12", "LEVEL1_DCACHE_ASSOC                7");
        String reason = assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.fromGetconf(odd)).reason();
        assertTrue(reason.startsWith("malformed getconf -a output: LEVEL1_DCACHE_*: size 49152 is not ways"), reason);
        String text = GETCONF_ZEN5_GUEST.replace("LEVEL2_CACHE_ASSOC                 8", "LEVEL2_CACHE_ASSOC                 eight");
        assertTrue(assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.fromGetconf(text)).reason().startsWith("malformed getconf -a output"));
    }

    @Test
    void missingDirectoryIsUnreadableWithItsPath(@TempDir Path tmp) {
        Path absent = tmp.resolve("no-such-cache");
        CpuCaches.Unreadable u = assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.read(absent));
        assertTrue(u.reason().contains(absent.toString()), u.reason());
        assertTrue(u.reason().contains("NoSuchFileException"), u.reason());
    }

    @Test
    void treesWithoutAnL2OrWithMalformedFilesAreUnreadable() {
        String noL2 = assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.read(fixture("no-l2"))).reason();
        assertTrue(noL2.endsWith("lists no L2 cache"), noL2);
        String badSize = assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.read(fixture("bad-size"))).reason();
        assertTrue(badSize.startsWith("malformed cache description") && badSize.contains("lots"), badSize);
        String odd = assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.read(fixture("odd-geometry"))).reason();
        assertTrue(odd.contains("index2: size 1024000 is not ways × line × sets"), odd);
    }

    @Test
    void emptyDirectoryListsNoL1(@TempDir Path tmp) {
        String reason = assertInstanceOf(CpuCaches.Unreadable.class, CpuCaches.read(tmp)).reason();
        assertTrue(reason.endsWith("lists no L1 data cache"), reason);
    }

    @Test
    void sizesTakeBinarySuffixes() {
        assertEquals(48 * 1024, CpuCaches.size("48K"));
        assertEquals(32L << 20, CpuCaches.size("32M"));
        assertEquals(1L << 30, CpuCaches.size("1G"));
        assertEquals(640, CpuCaches.size("640"));
        assertEquals("48 KiB", CpuCaches.bytes(48 * 1024));
        assertEquals("105 MiB", CpuCaches.bytes(105L << 20));
        assertEquals("1000 B", CpuCaches.bytes(1000));
    }

    @Test
    void fullyAssociativeCountsAsOneSet(@TempDir Path tmp) throws Exception {
        for (String[] c : new String[][] {{"index0", "1", "Data", "4K", "0"}, {"index1", "2", "Unified", "64K", "4"}}) {
            Path d = Files.createDirectories(tmp.resolve(c[0]));
            Files.writeString(d.resolve("level"), c[1] + "\n");
            Files.writeString(d.resolve("type"), c[2] + "\n");
            Files.writeString(d.resolve("size"), c[3] + "\n");
            Files.writeString(d.resolve("ways_of_associativity"), c[4] + "\n");
            Files.writeString(d.resolve("coherency_line_size"), "64\n");
        }
        CpuCaches.Cache l1 = assertInstanceOf(CpuCaches.Found.class, CpuCaches.read(tmp)).caches().l1d();
        assertEquals(64, l1.ways());
        assertEquals(1, l1.sets());
        assertEquals("L1d 4 KiB fully associative", l1.toString(), "not \"64-way\": the machine gave no way count");
    }
}
