package org.vecformer.cli.command.bench;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vecformer bench ...}: quick best-of-N figures of the hot paths on this machine (JMH lives in
 * {@code bench/}). Without a subcommand: a one-minute tour of the headline numbers.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Quick speed figures of the kernels on this machine (best of several runs after warm-up).",
                "Without a subcommand: a one-minute tour of the headline numbers."},
        subcommands = {BenchGemmCommand.class, BenchAttentionCommand.class, BenchSoftmaxCommand.class,
                BenchExpCommand.class, BenchLayerNormCommand.class, BenchForwardCommand.class, BenchDecodeCommand.class,
                BenchTrainCommand.class, BenchDotCommand.class, BenchPeakCommand.class, BenchTokenizeCommand.class, BenchTokenizerTrainCommand.class, BenchPatchCommand.class})
public final class BenchCommand implements Runnable {
    /** The tour: one line of arguments per step, each a subcommand run with short warm-ups, on 1 and on all cores. */
    private static List<List<String>> tour(String cores) {
        return List.of(
                List.of("peak", "--threads", "1"),
                List.of("gemm", "--threads", "1", "--shapes", "1024x1024x1024,1024x1536x512,1024x1024x64xT", "--warmup", "1500"),
                List.of("gemm", "--threads", cores, "--shapes", "1024x1024x1024", "--warmup", "1500"),
                List.of("attention", "--threads", "1", "--t", "1024", "--warmup", "3000"),
                List.of("attention", "--threads", cores, "--t", "1024", "--warmup", "1500"),
                List.of("softmax", "--threads", "1", "--t", "1024", "--warmup", "1500"),
                List.of("exp", "--warmup", "2000"),
                List.of("layernorm", "--threads", "1", "--warmup", "500"),
                List.of("decode", "--threads", "1", "--p", "512", "--warmup", "1500"));
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandLine bench = spec.commandLine();
        PrintWriter out = bench.getOut();
        out.println("A one-minute tour of the hot paths (vecformer bench --help lists the commands behind it).");
        for (List<String> step : tour(String.valueOf(Runtime.getRuntime().availableProcessors()))) {
            out.println();
            out.println("$ vecformer bench " + String.join(" ", step));
            out.flush();
            CommandLine sub = bench.getSubcommands().get(step.getFirst());
            int code = sub.execute(step.subList(1, step.size()).toArray(String[]::new));
            if (code != 0) throw new IllegalStateException("bench " + step.getFirst() + " failed with exit code " + code);
        }
    }
}
