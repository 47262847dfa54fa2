package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.render.AttentionHead;
import org.vecformer.cli.render.PngHeatmap;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.transformer.HookName;
import org.vecformer.model.transformer.HookName.Hook;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Run;

/** Attention patterns of every head on one prompt (from {@code hook_pattern}), and the token labels reports show. */
public final class AttentionPatterns {
    private AttentionPatterns() {}

    /** Every head's pattern on {@code ids}, layer by layer: {@code pattern[q][k]} [T][T]. */
    public static List<AttentionHead> of(ModelFile m, int[] ids) {
        Run run = m.transformer().run(new int[][] {ids}, Hooks.caching(Hook.PATTERN::matches));
        int t = ids.length;
        List<AttentionHead> heads = new ArrayList<>();
        for (int l = 0; l < m.config().nLayers(); l++) {
            Tensor p = run.get(HookName.of(Hook.PATTERN, l)); // [1, H, T, T]
            for (int h = 0; h < m.config().nHeads(); h++) {
                float[][] pattern = new float[t][t];
                for (int q = 0; q < t; q++) for (int k = 0; k <= q; k++) pattern[q][k] = p.get(0, h, q, k);
                heads.add(new AttentionHead(l, h, pattern));
            }
        }
        return heads;
    }

    /** The token as a label: its text for models with a tokenizer (the renderer makes whitespace visible), its id otherwise. */
    static String label(ModelFile m, int id) {
        Tokenizer t = m.tokenizer();
        if (t instanceof IdTokenizer || id >= t.vocabSize()) return Integer.toString(id);
        return t.piece(id);
    }

    public static List<String> labels(ModelFile m, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(label(m, id));
        return out;
    }

    /** Writes one PNG per head, {@code L{l}H{h}.png}, into {@code dir} (created if missing); returns the files. */
    public static List<Path> writePngs(List<String> tokens, List<AttentionHead> heads, Path dir) throws IOException {
        OutputPaths.create(dir);
        List<Path> files = new ArrayList<>();
        for (AttentionHead h : heads) {
            Path f = dir.resolve(h.label() + ".png");
            PngHeatmap.write(tokens, h, f);
            files.add(f);
        }
        return files;
    }
}
