package org.vecformer.cli.command;

import org.vecformer.cli.UsageException;
import org.vecformer.engine.parallel.Parallel;
import picocli.CommandLine.Option;

/**
 * The {@code --threads N} option shared by every command that computes. N is refused above {@link #maximum()}:
 * more threads than that only share the same cores, and a typo such as 10000 would start that many workers.
 */
public final class ThreadsOption {
    /** How many threads per available processor {@code --threads} accepts at most. */
    public static final int PER_PROCESSOR = 4;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for parallel kernels, 1 to 4 x the available processors (default: all cores, or -Dvecformer.threads).")
    public Integer threads;

    /** The largest {@code --threads}: {@value #PER_PROCESSOR} × the processors available to the JVM. */
    public static int maximum() {
        return PER_PROCESSOR * Runtime.getRuntime().availableProcessors();
    }

    /** Applies the option to the engine's pool and returns the thread count in force. */
    public int apply() {
        if (threads != null) {
            if (threads < 1) throw new UsageException("--threads must be >= 1, not " + threads);
            int max = maximum();
            if (threads > max) {
                throw new UsageException("--threads " + threads + " is more than " + PER_PROCESSOR + " x the "
                        + Runtime.getRuntime().availableProcessors() + " available processors; give at most " + max);
            }
            Parallel.setThreads(threads);
        }
        return Parallel.threads();
    }

    /** The thread count in force (what the last {@link #apply()} set, or the engine's default). */
    public static int inForce() {
        return Parallel.threads();
    }
}
