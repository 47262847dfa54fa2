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
 * {@code java -Xmx442m -cp cli/target/vecformer.jar bench/compare/TorchCheckpointRead.java /tmp/vecformer-attn-only-4l.pth 3}
 */
public class TorchCheckpointRead {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
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
}
