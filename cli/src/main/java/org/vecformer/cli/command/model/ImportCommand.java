package org.vecformer.cli.command.model;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vecformer.cli.Main;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tl.TlConfig;
import org.vecformer.model.tl.TlImport;
import org.vecformer.model.tl.TlProcessing;
import org.vecformer.model.tl.TlStateDict;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.PhaseTimes;
import org.vecformer.cli.command.ProgressLine;
import org.vecformer.cli.command.TextFiles;
import org.vecformer.cli.command.Words;

/**
 * {@code vecformer import}: a TransformerLens state dict and its config become a model file. The config and every
 * tensor are checked before anything is written; the model file is written atomically.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn a TransformerLens checkpoint (state dict + config.json) into a model file.")
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "The state dict in TransformerLens names: safetensors (F32, F16, BF16 or F64) or a PyTorch checkpoint.")
    Path weights;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The model's config.json: the Hub training config (NeelNanda/Attn_Only_*) or a HookedTransformerConfig as JSON.")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Model file to write (safetensors).")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "The model's Hugging Face tokenizer.json (byte-level BPE), stored in the model file so --prompt works"
                    + " in every command (NeelNanda/gpt-neox-tokenizer-digits for the attn-only models).")
    Path tokenizer;

    @Option(names = "--process", defaultValue = "none", paramLabel = "none|tl",
            description = "none: the weights as stored (TransformerLens from_pretrained_no_processing); tl: from_pretrained's"
                    + " default processing (fold_ln, center_writing_weights, center_unembed, fold_value_biases). Default: ${DEFAULT-VALUE}.")
    String process;

    @Option(names = "--json", description = "Print a JSON summary (config, tensors read, skipped buffers, processing applied).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (!process.equals("none") && !process.equals("tl")) throw new UsageException("--process must be none or tl, not '" + process + "'");
        Path target = OutputPaths.file("--out", out);
        if (Files.exists(weights) && Files.exists(target) && Files.isSameFile(weights, target)) throw new UsageException("--out is the --weights file; give another name");
        PrintWriter err = spec.commandLine().getErr();
        PhaseTimes times = new PhaseTimes();

        TlConfig tl = readConfig();
        Optional<Tokenizer> tok = tokenizer == null ? Optional.empty() : Optional.of(TextFiles.readTokenizer(tokenizer));
        try {
            ModelFile.checkTokenizer(tok, tl.config().dVocab()); // before the weights are read, not after
        } catch (IllegalArgumentException e) {
            throw new IOException("tokenizer " + tokenizer + ": " + e.getMessage() + " in the config: is it the tokenizer of another model?", e);
        }
        times.end("config");
        Read read = readAndCheck(tl, err, times);
        times.end("check");
        Weights result = read.imported().weights();
        TlProcessing.Result processed = null;
        if (process.equals("tl")) {
            processed = TlProcessing.process(result);
            result = processed.weights();
            times.end("process");
        }
        new ModelFile(result, tok).save(target);
        times.end("write");

        for (String note : tl.notes()) err.println("note: " + note);
        report(tl, read, processed, result.config());
        times.print(err, Main.verbose(spec.root().commandLine().getParseResult()));
        return 0;
    }

    /** The checked weights and what the file held; the file's own dict is not kept, so it can be freed before processing. */
    private record Read(TlImport.Result imported, String format, int tensorsRead) {}

    private Read readAndCheck(TlConfig tl, PrintWriter err, PhaseTimes times) throws IOException {
        ProgressLine[] progress = new ProgressLine[1];
        TlStateDict dict = TlStateDict.read(weights, total -> progress[0] = new ProgressLine(err, "reading weights", total),
                n -> progress[0].done(n));
        times.end("read");
        try {
            return new Read(TlImport.weights(tl.config(), dict), dict.format(), dict.tensors().size() + dict.skipped().size());
        } catch (IllegalArgumentException e) {
            throw new IOException(weights + ": " + e.getMessage() + " (config " + config + ")", e);
        }
    }

    private TlConfig readConfig() throws IOException {
        String text;
        try {
            text = TextFiles.readUtf8(config);
        } catch (IOException e) {
            throw new IOException("config " + e.getMessage(), e);
        }
        try {
            return TlConfig.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("config " + config + ": " + e.getMessage(), e);
        }
    }

    private void report(TlConfig tl, Read read, TlProcessing.Result processed, Config c)
            throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        List<String> applied = processed == null ? List.of() : processed.applied();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("out", out.toString());
            all.put("weights", weights.toString());
            all.put("weights_format", read.format());
            all.put("config_file", config.toString());
            all.put("config_format", tl.format().label());
            all.put("config", JSON.std.mapFrom(c.toJson()));
            all.put("tokenizer_name", tl.tokenizerName().orElse(null));
            all.put("tokenizer", tokenizer == null ? null : tokenizer.toString());
            all.put("tensors_read", read.tensorsRead());
            all.put("skipped", read.imported().ignored());
            all.put("zero_biases", read.imported().zeroBiases());
            all.put("processing", process);
            all.put("applied", applied);
            all.put("not_applied", processed == null ? List.of() : processed.skipped());
            all.put("notes", tl.notes());
            o.println(JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(all));
            return;
        }
        o.printf("%s: %s, d_model %d, %s × d_head %d, n_ctx %d, d_vocab %d%n", out, Words.plural(c.nLayers(), "layer"),
                c.dModel(), Words.plural(c.nHeads(), "head"), c.dHead(), c.nCtx(), c.dVocab());
        o.printf("  normalization %s, positional embedding %s, eps %g (from the %s)%n",
                c.normalization().tlName() == null ? "none" : c.normalization().tlName(), c.positionalEmbedding().tlName(), c.eps(),
                tl.format().label());
        o.printf("  %d tensors read (%s), %d buffers skipped%s%n", read.tensorsRead(), read.format(),
                read.imported().ignored().size(), read.imported().zeroBiases().isEmpty() ? "" : ", " + read.imported().zeroBiases().size() + " absent biases set to zero");
        o.printf("  processing: %s%n", processed == null ? "none (weights as stored)" : String.join(", ", applied)
                + (processed.skipped().isEmpty() ? "" : "; not applied: " + String.join("; ", processed.skipped())));
        if (tokenizer != null) {
            o.printf("  tokenizer %s stored (--prompt now takes text)%n", tokenizer);
        } else {
            tl.tokenizerName().ifPresent(t -> o.printf("  the config names the tokenizer %s: give its tokenizer.json as --tokenizer to"
                    + " use --prompt%n", t));
        }
    }
}
