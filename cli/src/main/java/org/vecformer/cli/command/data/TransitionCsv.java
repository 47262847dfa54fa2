package org.vecformer.cli.command.data;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.AtomicWrite;
import org.vecformer.model.data.BigramChain;

/**
 * A bigram chain's transition matrix as CSV: V lines of V comma-separated probabilities, line a (0-based) holding
 * P(next = b | current = a) for b = 0..V−1, each written as the shortest decimal that reads back to the same double.
 */
final class TransitionCsv {
    /** Rows must sum to 1 within this, so a truncated or edited file is caught. */
    private static final double ROW_SUM_TOLERANCE = 1e-6;

    private TransitionCsv() {}

    static void write(Path file, BigramChain chain) throws IOException {
        int v = chain.dVocab();
        AtomicWrite.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (int a = 0; a < v; a++) {
                for (int b = 0; b < v; b++) w.write((b == 0 ? "" : ",") + chain.probability(a, b));
                w.write('\n');
            }
            w.flush();
        });
    }

    /** Reads a matrix written by {@link #write}; a malformed file is a one-line {@link UsageException} naming file and line. */
    static BigramChain read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new UsageException("--chain " + file + ": no such file");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        int v = lines.size();
        if (v == 0) throw new UsageException(file + " holds no transition matrix");
        double[] p = new double[v * v];
        for (int a = 0; a < v; a++) {
            String[] cells = lines.get(a).trim().split(",");
            if (cells.length != v) throw new UsageException(file + " line " + (a + 1) + ": " + cells.length + " values, the matrix needs " + v + " per line");
            double sum = 0;
            for (int b = 0; b < v; b++) {
                double x;
                try {
                    x = Double.parseDouble(cells[b].trim());
                } catch (NumberFormatException e) {
                    throw new UsageException(file + " line " + (a + 1) + ": '" + cells[b].trim() + "' is not a number");
                }
                if (!(x >= 0 && x <= 1)) throw new UsageException(file + " line " + (a + 1) + ": probability " + x + " is outside [0, 1]");
                sum += p[a * v + b] = x;
            }
            if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) throw new UsageException(file + " line " + (a + 1) + ": the row sums to " + sum + ", not 1");
        }
        return new BigramChain(v, p);
    }
}
