package org.vecformer.cli.command.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Simd;
import org.vecformer.engine.diag.SimdProbe;
import org.vecformer.engine.parallel.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer info}: the JDK, the vector species in use and whether it really runs as SIMD. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the JDK, vector species and whether the Vector API is intrinsified.")
public final class InfoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Override
    public void run() {
        int nThreads = threads.apply();
        SimdProbe.Result probe = SimdProbe.run(400);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("jdk", Runtime.version().toString());
        facts.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        facts.put("os_arch", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        facts.put("species", Simd.F.toString());
        facts.put("vector_bits", Simd.F.vectorBitSize());
        facts.put("float_lanes", Simd.LANES);
        facts.put("preferred_bits", Simd.preferredBits());
        facts.put("intrinsified", probe.intrinsified());
        facts.put("vector_speedup", Math.round(probe.speedup() * 10) / 10.0);
        facts.put("threads", nThreads);
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        facts.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        facts.put("gemm_blocking", Gemm.blocking());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(facts));
            return;
        }
        out.printf("vecformer on JDK %s (%s)%n", facts.get("jdk"), facts.get("vm"));
        out.printf("  platform        %s%n", facts.get("os_arch"));
        out.printf("  vector species  %s: %d-bit, %d float lanes%s%n", Simd.F, Simd.F.vectorBitSize(), Simd.LANES,
                Simd.F.vectorBitSize() == Simd.preferredBits() ? " (preferred)"
                        : " (forced by -D" + Simd.BITS_PROPERTY + "; preferred is " + Simd.preferredBits() + "-bit)");
        out.printf("  SIMD            %s: %s%n", probe.intrinsified() ? "intrinsified" : "NOT INTRINSIFIED", probe.reason());
        out.printf("  threads         %d of %d cores%n", nThreads, facts.get("cores"));
        out.printf("  max heap        %d MiB%n", facts.get("max_heap_mib"));
        out.printf("  GEMM blocking   %s%n", facts.get("gemm_blocking"));
        if (!probe.intrinsified()) {
            out.println();
            out.println("WARNING: kernels will run far below their speed. Use a HotSpot JDK 25 with C2 (no -Xint,");
            out.println("         no -XX:TieredStopAtLevel) and --add-modules jdk.incubator.vector.");
        }
    }
}
