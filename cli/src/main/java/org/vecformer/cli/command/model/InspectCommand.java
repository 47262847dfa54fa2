package org.vecformer.cli.command.model;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.transformer.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.Words;

/** {@code vecformer inspect}: what a model file holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model file's config, parameters (names, shapes, counts) and tokenizer.")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        ModelFile m = model.load();
        Config c = m.config();
        List<Map<String, Object>> params = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.weights().stateDict().entrySet()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", e.getKey());
            p.put("shape", e.getValue().shape());
            p.put("count", e.getValue().size());
            params.add(p);
        }
        Map<String, Object> tokenizer = new LinkedHashMap<>();
        Tokenizer tok = m.tokenizer();
        tokenizer.put("type", switch (tok) {
            case IdTokenizer i -> "ids";
            case CharTokenizer ch -> "char";
            case BpeTokenizer b -> "bpe";
        });
        tokenizer.put("vocab_size", tok.vocabSize());
        if (tok instanceof CharTokenizer ch) tokenizer.put("vocab", ch.vocab());
        if (tok instanceof BpeTokenizer b) {
            tokenizer.put("special_tokens", b.specialTokens());
            tokenizer.put("added_tokens", b.addedTokens());
        }
        tokenizer.put("bos", tok.bos().isPresent() ? tok.bos().getAsInt() : null);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("file", model.path.toString());
            all.put("config", JSON.std.mapFrom(c.toJson()));
            all.put("parameters", params);
            all.put("parameter_count", m.weights().parameterCount());
            all.put("tokenizer", tokenizer);
            out.println(Json.write(all));
            return 0;
        }
        out.printf("%s%n", model.path);
        out.printf("  attention-only transformer: %s, d_model %d, %s × d_head %d, n_ctx %d, d_vocab %d%n",
                Words.plural(c.nLayers(), "layer"), c.dModel(), Words.plural(c.nHeads(), "head"), c.dHead(), c.nCtx(), c.dVocab());
        out.printf("  normalization %s, positional embedding %s, eps %g, biases %s%n",
                c.normalization().tlName(), c.positionalEmbedding().tlName(), c.eps(), c.biases() ? "yes" : "no");
        out.printf("  tokenizer %s%n", switch (tok) {
            case IdTokenizer i -> "raw ids 0.." + (c.dVocab() - 1);
            case CharTokenizer ch -> "characters (" + ch.vocabSize() + "): " + String.join("", ch.vocab()).replace("\n", "\\n").replace("\t", "\\t");
            case BpeTokenizer b -> "byte-level BPE (Hugging Face tokenizer.json), ids 0.." + (b.vocabSize() - 1) + ", specials "
                    + (b.specialTokens().isEmpty() ? "none" : String.join(" ", b.specialTokens())) + ", BOS "
                    + (b.bos().isPresent() ? Prompts.show(m, b.bos().getAsInt()) + " (id " + b.bos().getAsInt() + ")" : "none");
        });
        out.printf("%n  %-28s %-16s %10s%n", "parameter", "shape", "count");
        for (Map<String, Object> p : params) {
            out.printf("  %-28s %-16s %10d%n", p.get("name"), Arrays.toString((int[]) p.get("shape")), p.get("count"));
        }
        out.printf("  %-28s %-16s %10d%n", "total", "", m.weights().parameterCount());
        return 0;
    }
}
