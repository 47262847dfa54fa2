package org.vecformer.cli.command.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.command.ThreadsOption;
import org.vecformer.cli.render.AtomicWrite;
import org.vecformer.cli.render.Json;
import org.vecformer.model.data.Corpus;
import org.vecformer.model.tokenize.BpeTrainer;
import org.vecformer.model.tokenize.TrainedBpe;
import org.vecformer.model.tokenize.WordCounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vecformer bench tokenizer-train}: one BPE training run timed by phase (listing and checking the files,
 * counting words, merging), in MB/min of the files' bytes, wall and process CPU time; the Java side of
 * {@code bench/compare/tokenizer_train_bench.mjs}, which times Hugging Face's trainer on the same files.
 */
@Command(name = "tokenizer-train", mixinStandardHelpOptions = true,
        description = {"Time one byte-level BPE training run on text files (as vecformer tokenizer train, no specials by default):",
                "MB/min (10^6 bytes of the files per minute) of wall and of process CPU time, per phase."})
public final class BenchTokenizerTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, arity = "1..*", paramLabel = "PATH", description = "Text files and directories.")
    List<Path> data;

    @Option(names = "--vocab", paramLabel = "N", defaultValue = "30000", description = "Vocabulary size (default: ${DEFAULT-VALUE}, HF's trainer default).")
    int vocab;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the tokenizer.json (to compare merges).")
    Path out;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws IOException {
        int workers = threads.apply();
        if (vocab < 256) throw new UsageException("--vocab must be >= 256, not " + vocab);
        if (out != null) OutputPaths.file("--out", out);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        Corpus corpus = Corpus.scan(data);
        long t1 = System.nanoTime();
        WordCounts words = WordCounts.count(corpus.documents().stream().map(d -> (WordCounts.Source) d::open).toList(), workers);
        long t2 = System.nanoTime();
        TrainedBpe trained = BpeTrainer.train(words, vocab, List.of());
        long t3 = System.nanoTime(), c1 = os.getProcessCpuTime();
        if (out != null) {
            String text = trained.toJson();
            AtomicWrite.write(out, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
        }
        long bytes = corpus.bytesOnDisk();
        double wall = (t3 - t0) / 1e9, cpu = (c1 - c0) / 1e9;
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("bytes", bytes);
        all.put("documents", corpus.documents().size());
        all.put("threads", workers);
        all.put("vocab", trained.vocabSize());
        all.put("merges", trained.merges().size());
        all.put("scan_s", round((t1 - t0) / 1e9));
        all.put("count_s", round((t2 - t1) / 1e9));
        all.put("merge_s", round((t3 - t2) / 1e9));
        all.put("wall_s", round(wall));
        all.put("cpu_s", round(cpu));
        all.put("mb_per_min", round(bytes / 1e6 / wall * 60));
        all.put("cpu_mb_per_min", round(bytes / 1e6 / cpu * 60));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(Json.write(all));
            return 0;
        }
        o.printf("%,d bytes in %,d documents, %d threads: vocab %,d (%,d merges)%n", bytes, corpus.documents().size(), workers,
                trained.vocabSize(), trained.merges().size());
        o.printf("scan %.2f s, count %.2f s (%,d words, %,d distinct), merge %.2f s: %.2f s wall, %.2f s CPU%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, words.total(), words.distinct(), (t3 - t2) / 1e9, wall, cpu);
        o.printf("%.1f MB/min wall, %.1f MB/min of CPU time%n", bytes / 1e6 / wall * 60, bytes / 1e6 / cpu * 60);
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
