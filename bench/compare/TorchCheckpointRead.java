import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vecformer.engine.io.torch.TorchCheckpoint;

/**
 * Times {@code TorchCheckpoint.read} on one file, N runs, and prints JSON: the best and every time in seconds,
 * tensors read and skipped, the heap limit and the heap's peak use. A single-file program on the CLI jar
 * (which {@code ./vecformer} builds); a heap of twice the file checks the reader's memory bound:
 * {@code java -Xmx442m -cp cli/target/vecformer.jar bench/compare/TorchCheckpointRead.java /tmp/vecformer-attn-only-4l.pth 3}.
 * With {@code --baseline} instead of a run count it only times allocating and filling as many floats.
 */
public class TorchCheckpointRead {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("--baseline")) {
            baseline(Files.size(file));
            return;
        }
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Double> seconds = new ArrayList<>();
        int tensors = 0;
        int skipped = 0;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            TorchCheckpoint.StateDict sd = TorchCheckpoint.read(file);
            seconds.add((System.nanoTime() - t0) / 1e9);
            tensors = sd.tensors().size();
            skipped = sd.skipped().size();
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        System.out.printf("{\"file_bytes\": %d, \"tensors\": %d, \"skipped\": %d, \"best_s\": %.3f, \"runs_s\": %s,"
                        + " \"max_heap_bytes\": %d, \"peak_heap_bytes\": %d}%n", Files.size(file), tensors, skipped,
                seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), seconds,
                Runtime.getRuntime().maxMemory(), peak);
    }

    /**
     * The floor under a first read in a fresh JVM: allocating and filling as many floats as the file has bytes / 4
     * (in arrays of at most 100 MB, like the largest tensors), which makes the kernel hand the heap its pages.
     */
    private static void baseline(long fileBytes) {
        long t0 = System.nanoTime();
        List<float[]> arrays = new ArrayList<>();
        for (long left = fileBytes / 4; left > 0; ) {
            int n = (int) Math.min(left, 25_000_000);
            float[] a = new float[n];
            java.util.Arrays.fill(a, 1f);
            arrays.add(a);
            left -= n;
        }
        System.out.printf("{\"baseline_s\": %.3f, \"arrays\": %d}%n", (System.nanoTime() - t0) / 1e9, arrays.size());
    }
}
