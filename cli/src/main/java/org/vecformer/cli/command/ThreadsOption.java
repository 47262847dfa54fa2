package org.vecformer.cli.command;

import org.vecformer.engine.parallel.Parallel;
import picocli.CommandLine.Option;

/** The {@code --threads N} option shared by every command that computes. */
public final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for parallel kernels (default: all cores, or -Dvecformer.threads).")
    Integer threads;

    /** Applies the option to the engine's pool and returns the thread count in force. */
    public int apply() {
        if (threads != null) {
            if (threads < 1) throw new org.vecformer.cli.UsageException("--threads must be >= 1, not " + threads);
            Parallel.setThreads(threads);
        }
        return Parallel.threads();
    }
}
