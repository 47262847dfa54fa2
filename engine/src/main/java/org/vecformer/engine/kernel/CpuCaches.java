package org.vecformer.engine.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The data caches of CPU 0 as Linux lists them in sysfs, one directory per cache,
 * {@code /sys/devices/system/cpu/cpu0/cache/index<i>/} holding {@code level} (1, 2, 3), {@code type}
 * ({@code Data}, {@code Instruction} or {@code Unified}), {@code size} ({@code 48K}, {@code 2048K}, ...),
 * {@code ways_of_associativity} (0 for fully associative) and {@code coherency_line_size} (bytes).
 * Some kernels list no caches there (a Firecracker guest has no {@code cache} directory); then the C
 * library's own answer is asked, {@code getconf -a}, whose {@code LEVEL1_DCACHE_*} and {@code LEVEL2_CACHE_*}
 * lines glibc fills from the CPUID instruction. The GEMM's blocking ({@link GemmBlocking#forCaches}) needs the
 * L1 data cache and the L2; the L3 is read when present, for display.
 *
 * @param l1d the level-1 data cache
 * @param l2 the level-2 cache (unified or data)
 * @param l3 the level-3 cache, if the CPU has one
 */
record CpuCaches(Cache l1d, Cache l2, Optional<Cache> l3) {
    /** Where Linux describes CPU 0's caches. */
    static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");
    /**
     * System property naming another directory laid out like {@link #SYSFS}: for a kernel that lists no
     * caches (some VMs) or to see the blocking another machine would get.
     */
    static final String DIR_PROPERTY = "vecformer.gemm.cachedir";

    /**
     * One cache: {@code size = ways · sets · line} bytes.
     *
     * @param level 1, 2 or 3
     * @param size bytes
     * @param ways associativity; a fully associative cache counts as one set of {@code size / line} ways
     * @param line bytes per line
     */
    record Cache(int level, long size, int ways, int line) {
        /** Number of sets, {@code size / (ways · line)}. */
        long sets() {
            return size / ((long) ways * line);
        }

        /** Bytes of one way, {@code sets · line}. */
        long wayBytes() {
            return sets() * line;
        }

        /** E.g. {@code L1d 48 KiB 12-way}; a cache of one set (reported with 0 ways) reads {@code fully associative}. */
        @Override
        public String toString() {
            return "L" + level + (level == 1 ? "d " : " ") + bytes(size) + " " + (sets() == 1 ? "fully associative" : ways + "-way");
        }
    }

    /** What reading a cache directory gave: the caches, or why there are none. */
    sealed interface Reading permits Found, Unreadable {}

    /** The caches and where they were read: a directory, or {@code getconf}. */
    record Found(CpuCaches caches, String source) implements Reading {}

    /** Nothing usable; {@code reason} says what was missing or malformed, and where. */
    record Unreadable(String reason) implements Reading {}

    /** This machine's caches, read once at start-up ({@link #read()}): the GEMM's blocking and the transposes' order use them. */
    static final Reading MACHINE = read();

    /**
     * The directory the {@link #DIR_PROPERTY} property names, else {@link #SYSFS}, else what
     * {@code getconf -a} says; never throws.
     */
    static Reading read() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) return read(Path.of(dir));
        Reading sysfs = read(SYSFS);
        if (sysfs instanceof Found) return sysfs;
        return switch (getconf()) {
            case Found f -> f;
            case Unreadable u -> new Unreadable(((Unreadable) sysfs).reason() + "; " + u.reason());
        };
    }

    /** Runs {@code getconf -a} (at most 5 s) and reads its cache lines. */
    private static Reading getconf() {
        try {
            Process p = new ProcessBuilder("getconf", "-a").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Unreadable("getconf -a did not answer");
            }
            return fromGetconf(out);
        } catch (IOException e) {
            return new Unreadable("cannot run getconf -a (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unreadable("interrupted while running getconf -a");
        }
    }

    /**
     * The caches in the output of glibc's {@code getconf -a}: lines {@code NAME VALUE} with
     * {@code LEVEL1_DCACHE_SIZE/_ASSOC/_LINESIZE}, {@code LEVEL2_CACHE_*} and {@code LEVEL3_CACHE_*} in bytes
     * (an associativity of 0 means fully associative; an empty value, unknown); never throws.
     */
    static Reading fromGetconf(String output) {
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\\R")) {
            String[] kv = line.trim().split("\\s+", 2);
            if (kv.length == 2) values.put(kv[0], kv[1].trim());
        }
        try {
            Optional<Cache> l1d = getconfCache(values, 1, "LEVEL1_DCACHE_"), l2 = getconfCache(values, 2, "LEVEL2_CACHE_");
            if (l1d.isEmpty() || l2.isEmpty()) {
                return new Unreadable("getconf -a gives no " + (l1d.isEmpty() ? "L1 data" : "L2") + " cache size");
            }
            return new Found(new CpuCaches(l1d.get(), l2.get(), getconfCache(values, 3, "LEVEL3_CACHE_")), "getconf -a");
        } catch (NumberFormatException e) {
            return new Unreadable("malformed getconf -a output: " + e.getMessage());
        }
    }

    private static Optional<Cache> getconfCache(Map<String, String> values, int level, String prefix) {
        String size = values.getOrDefault(prefix + "SIZE", ""), ways = values.getOrDefault(prefix + "ASSOC", ""),
                line = values.getOrDefault(prefix + "LINESIZE", "");
        if (size.isEmpty() || size.equals("0") || line.isEmpty() || line.equals("0") || ways.isEmpty()) return Optional.empty();
        return Optional.of(cache(prefix + "*", level, Long.parseLong(size), Integer.parseInt(ways), Integer.parseInt(line)));
    }

    /** One cache checked: positive sizes, {@code size = ways · sets · line}; 0 ways is fully associative. */
    private static Cache cache(String name, int level, long size, int ways, int line) {
        if (size <= 0 || line <= 0 || ways < 0) throw new NumberFormatException(name + ": size, line and ways must be positive");
        if (ways == 0) ways = (int) (size / line);
        if (size % ((long) ways * line) != 0) {
            throw new NumberFormatException(name + ": size " + size + " is not ways × line × sets");
        }
        return new Cache(level, size, ways, line);
    }

    /** Reads the {@code index*} directories of {@code dir}; never throws. */
    static Reading read(Path dir) {
        List<Cache> caches = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path index : entries.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                String type = text(index.resolve("type"));
                if (type.equals("Instruction")) continue;
                int level = Integer.parseInt(text(index.resolve("level")));
                long size = size(text(index.resolve("size")));
                int line = Integer.parseInt(text(index.resolve("coherency_line_size")));
                int ways = Integer.parseInt(text(index.resolve("ways_of_associativity")));
                caches.add(cache(index.getFileName().toString(), level, size, ways, line));
            }
        } catch (IOException e) {
            return new Unreadable("cannot read " + dir + " (" + e.getClass().getSimpleName() + ")");
        } catch (NumberFormatException e) {
            return new Unreadable("malformed cache description under " + dir + ": " + e.getMessage());
        }
        Optional<Cache> l1d = level(caches, 1), l2 = level(caches, 2);
        if (l1d.isEmpty() || l2.isEmpty()) {
            return new Unreadable(dir + " lists no " + (l1d.isEmpty() ? "L1 data" : "L2") + " cache");
        }
        return new Found(new CpuCaches(l1d.get(), l2.get(), level(caches, 3)), dir.toString());
    }

    private static Optional<Cache> level(List<Cache> caches, int level) {
        return caches.stream().filter(c -> c.level() == level).findFirst();
    }

    private static String text(Path file) throws IOException {
        return Files.readString(file).trim();
    }

    /** A sysfs size: a number of bytes with an optional K, M or G suffix (powers of 1024). */
    static long size(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        try {
            return Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1)) << shift;
        } catch (NumberFormatException e) {
            throw new NumberFormatException("size '" + text.trim() + "' is not a number of bytes (with K, M or G)");
        }
    }

    /** {@code 49152} as {@code 48 KiB}, {@code 1048576} as {@code 1 MiB}. */
    static String bytes(long n) {
        if (n % (1 << 20) == 0) return (n >> 20) + " MiB";
        if (n % (1 << 10) == 0) return (n >> 10) + " KiB";
        return n + " B";
    }

    @Override
    public String toString() {
        return l1d + ", " + l2 + l3.map(c -> ", " + c).orElse("");
    }
}
