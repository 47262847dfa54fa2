package org.vecformer.model.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loss curve as CSV, one row per step: {@code step,train_loss,held_out_loss,lr,tokens_per_s} (held_out_loss
 * empty on steps without evaluation). Rows are flushed as they come, so the file follows a running job.
 */
public final class LossCurve implements AutoCloseable {
    public static final String HEADER = "step,train_loss,held_out_loss,lr,tokens_per_s";
    private final Writer out;

    private LossCurve(Writer out) {
        this.out = out;
    }

    /** A new file (replacing any old one) with just the header. */
    public static LossCurve create(Path path) throws IOException {
        LossCurve c = new LossCurve(Files.newBufferedWriter(path, StandardCharsets.UTF_8));
        c.line(HEADER);
        return c;
    }

    /**
     * Continues the curve of a resumed run: keeps the header and the rows of steps up to {@code step} (later rows
     * belong to a run past the checkpoint and are dropped), then appends. A missing file starts afresh.
     */
    public static LossCurve resume(Path path, int step) throws IOException {
        List<String> keep = new ArrayList<>();
        if (Files.exists(path)) {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.equals(HEADER)) continue;
                int comma = line.indexOf(',');
                if (comma > 0 && line.substring(0, comma).matches("\\d{1,9}") && Integer.parseInt(line.substring(0, comma)) <= step) {
                    keep.add(line);
                }
            }
        }
        LossCurve c = create(path);
        for (String line : keep) c.line(line);
        return c;
    }

    public void add(Trainer.Progress p) throws IOException {
        line(String.format(Locale.ROOT, "%d,%.6f,%s,%.6g,%.1f", p.step(), p.trainLoss(),
                Double.isNaN(p.heldOutLoss()) ? "" : String.format(Locale.ROOT, "%.6f", p.heldOutLoss()), p.lr(), p.tokensPerSecond()));
    }

    private void line(String s) throws IOException {
        out.write(s);
        out.write('\n');
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
