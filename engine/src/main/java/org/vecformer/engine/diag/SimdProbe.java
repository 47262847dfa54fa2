package org.vecformer.engine.diag;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.vecformer.engine.kernel.VectorOps;

/**
 * Tells whether the Vector API actually runs as SIMD instructions in this JVM.
 *
 * <p>Without C2 (the interpreter, {@code -XX:TieredStopAtLevel<4}) or with vector support switched off,
 * {@code FloatVector} code falls back to boxed Java arrays and runs 10-100x <em>slower</em> than scalar code.
 * The probe times {@link VectorOps#dot} against a scalar loop on the same data in this JVM (a ratio, so a
 * busy machine does not fool it) and reads the JIT flags that disable C2 or vector intrinsics.
 */
public final class SimdProbe {
    /** Below this vector/scalar speed ratio the vector code is taken as not intrinsified. */
    public static final double MIN_SPEEDUP = 2.0;

    /** What the probe found: the measured speed ratio, the verdict, and why. */
    public record Result(double speedup, boolean intrinsified, String reason) {}

    private SimdProbe() {}

    /**
     * Runs the probe in about {@code millis} or a little more: {@link BestOf#ratio} warms each loop up alone (so C2 has
     * compiled it) until its time is stable, then times them in five alternating rounds; the best of each counts, so one
     * descheduled round cannot fail a healthy JVM. On a loaded machine the JIT may still be compiling, so a low ratio is
     * measured again, up to three more times, before the verdict: a real fallback never reaches the bar.
     */
    public static Result run(long millis) {
        String flags = disablingFlags();
        float[] x = new float[1024], y = new float[1024];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) * 0.25f;
            y[i] = (i % 5) * 0.5f;
        }
        Runnable vector = () -> {
            for (int i = 0; i < 100; i++) sink += VectorOps.dot(x.length, x, 0, y, 0);
        };
        Runnable scalar = () -> {
            for (int i = 0; i < 100; i++) {
                float s = 0;
                for (int j = 0; j < x.length; j++) s += x[j] * y[j];
                sink += s;
            }
        };
        double speedup = 0;
        for (int attempt = 0; attempt < 4 && speedup < MIN_SPEEDUP; attempt++) {
            speedup = Math.max(speedup, BestOf.ratio(vector, scalar, 5, Math.max(1, millis / 2)));
        }
        if (flags != null) return new Result(speedup, false, flags);
        if (speedup < MIN_SPEEDUP) {
            return new Result(speedup, false, String.format(
                    "vector dot ran only %.1fx a scalar loop (expected >= %.0fx): the Vector API is falling back to boxed code",
                    speedup, MIN_SPEEDUP));
        }
        return new Result(speedup, true, String.format("vector dot runs %.1fx a scalar loop", speedup));
    }

    private static float sink;

    /** A sentence naming the JVM setting that rules out SIMD code, or null when there is none. */
    static String disablingFlags() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted")) return "the JVM runs in interpreted mode (-Xint): no JIT, no SIMD";
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hs == null) return null;
            if (Integer.parseInt(hs.getVMOption("TieredStopAtLevel").getValue()) < 4
                    && Boolean.parseBoolean(hs.getVMOption("TieredCompilation").getValue())) {
                return "C2 is switched off (-XX:TieredStopAtLevel < 4): the Vector API is not intrinsified";
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return null;
        }
        return null;
    }
}
