package org.vecformer.model.tl;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.vecformer.engine.tensor.Tensor;

/**
 * The models {@code src/test/resources/tl/make_fixtures.py} wrote (tiny TransformerLens-style attention-only
 * models and their float64 logits from PyTorch), and the comparisons the tests make against them.
 */
final class TlFixtures {
    private TlFixtures() {}

    static Path root() {
        try {
            return Path.of(TlFixtures.class.getResource("/tl").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The variant folders {norm}-{pos}-{f32|f16} (those with a Hub-style config.json). */
    static List<Path> variants() {
        try (Stream<Path> dirs = Files.list(root())) {
            List<Path> all = dirs.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().toList();
            if (all.size() != 12) throw new IllegalStateException("expected 12 fixture variants in " + root() + ", found " + all.size());
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Reference(int[] tokens, double[][] logits) {}

    static Reference reference(Path dir) throws IOException {
        Map<String, Object> m = JSON.std.mapFrom(Files.readString(dir.resolve("logits.json")));
        List<?> tok = (List<?>) m.get("tokens"), rows = (List<?>) m.get("logits");
        int[] tokens = tok.stream().mapToInt(t -> ((Number) t).intValue()).toArray();
        double[][] logits = new double[rows.size()][];
        for (int t = 0; t < logits.length; t++) {
            logits[t] = ((List<?>) rows.get(t)).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
        }
        return new Reference(tokens, logits);
    }

    /** Logits [T, vocab] (batch 1 dropped) as double rows. */
    static double[][] rows(Tensor logits) {
        int t = logits.dim(1), v = logits.dim(2);
        double[][] out = new double[t][v];
        for (int i = 0; i < t; i++) for (int j = 0; j < v; j++) out[i][j] = logits.get(0, i, j);
        return out;
    }

    /** log softmax of each row, in double. */
    static double[][] logProbs(double[][] logits) {
        double[][] out = new double[logits.length][];
        for (int t = 0; t < logits.length; t++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double x : logits[t]) max = Math.max(max, x);
            for (double x : logits[t]) sum += Math.exp(x - max);
            double log = max + Math.log(sum);
            out[t] = new double[logits[t].length];
            for (int j = 0; j < logits[t].length; j++) out[t][j] = logits[t][j] - log;
        }
        return out;
    }

    /** max |a − b| / max |b|: the error relative to the reference's scale. */
    static double relativeError(double[][] a, double[][] b) {
        double diff = 0, scale = 0;
        for (int t = 0; t < b.length; t++) {
            for (int j = 0; j < b[t].length; j++) {
                diff = Math.max(diff, Math.abs(a[t][j] - b[t][j]));
                scale = Math.max(scale, Math.abs(b[t][j]));
            }
        }
        return diff / scale;
    }
}
