package org.vecformer.cli.command.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.model.tokenize.BpeTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.TextFiles;

/**
 * {@code vecformer bench tokenize}: byte-level BPE encoding speed on one thread, in MB/s of UTF-8 text, the
 * Java side of {@code bench/compare/tokenizer_bench.mjs} (same document cut, same id hash).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Encode a text file with a tokenizer.json on one thread: MB/s (10^6 bytes of UTF-8 per second).",
                "Documents are the text cut after every blank line; the first pass starts with an empty word cache."})
public final class BenchTokenizeCommand implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "Hugging Face tokenizer.json (byte-level BPE).")
    Path tokenizer;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text to encode.")
    Path text;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5", description = "Timed passes after the first (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() throws IOException {
        BenchOutput.atLeastOne("--rounds", rounds);
        String corpus = TextFiles.readUtf8(text);
        List<String> docs = documents(corpus);
        long bytes = corpus.getBytes(StandardCharsets.UTF_8).length;
        long t0 = System.nanoTime();
        BpeTokenizer t = TextFiles.readTokenizer(tokenizer);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long[] counted = new long[2];
        double[] first = pass(t, docs, counted);
        double best = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            double[] s = pass(t, docs, counted);
            best = Math.min(best, s[0]);
            bestCpu = Math.min(bestCpu, s[1]);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("bytes", bytes);
        all.put("documents", docs.size());
        all.put("tokens", counted[0]);
        all.put("hash", (int) counted[1]);
        all.put("load_s", round(loadSeconds));
        all.put("first_pass_mb_per_s", round(bytes / 1e6 / first[0]));
        all.put("best_mb_per_s", round(bytes / 1e6 / best));
        all.put("first_pass_cpu_mb_per_s", round(bytes / 1e6 / first[1]));
        all.put("best_cpu_mb_per_s", round(bytes / 1e6 / bestCpu));
        double bestWall = best, bestCpuTime = bestCpu;
        output.print(all, out -> {
            out.printf("%d bytes, %d documents, %d tokens (id hash %d); tokenizer loaded in %.2f s%n",
                    bytes, docs.size(), counted[0], (int) counted[1], loadSeconds);
            out.printf("first pass (empty word cache) %.2f MB/s, best of %d after it %.2f MB/s%n", bytes / 1e6 / first[0], rounds, bytes / 1e6 / bestWall);
            out.printf("per second of this thread's CPU time: first pass %.2f MB/s, best %.2f MB/s%n", bytes / 1e6 / first[1], bytes / 1e6 / bestCpuTime);
        });
        return 0;
    }

    /**
     * {wall, CPU} seconds of this thread to encode every document (CPU time, because on a shared machine wall
     * time also counts other processes); counted = {tokens, h} with h = 31 h + id over all ids in order.
     */
    private static double[] pass(BpeTokenizer t, List<String> docs, long[] counted) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = mx.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long tokens = 0;
        int hash = 0;
        for (String d : docs) {
            int[] ids = t.encode(d);
            tokens += ids.length;
            for (int id : ids) hash = 31 * hash + id;
        }
        double[] seconds = {(System.nanoTime() - start) / 1e9, (mx.getCurrentThreadCpuTime() - cpu) / 1e9};
        counted[0] = tokens;
        counted[1] = hash;
        return seconds;
    }

    /** The text cut after every "\n\n" (the pieces concatenate to the text). */
    public static List<String> documents(String s) {
        List<String> docs = new ArrayList<>();
        int from = 0;
        for (int i = 2; i <= s.length(); i++) {
            if (s.charAt(i - 2) == '\n' && s.charAt(i - 1) == '\n') {
                docs.add(s.substring(from, i));
                from = i;
            }
        }
        if (from < s.length()) docs.add(s.substring(from));
        return docs;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
