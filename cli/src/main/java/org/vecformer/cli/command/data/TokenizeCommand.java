package org.vecformer.cli.command.data;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.Prompts;
import org.vecformer.cli.command.TextFiles;

/**
 * {@code vecformer tokenize}: text to ids with a model's tokenizer or a tokenizer file, exactly as the
 * tokenizer gives them (no BOS added), or ids back to text.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Encode text with a model's or a file's tokenizer (exactly its ids: no BOS added), or decode ids.",
                "Text output: one token per line, its id and its text; --json: {\"ids\": [...], \"tokens\": [...]} (BPE tokens as Hugging Face writes them, 'Ġthe')."})
public final class TokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "Model file whose tokenizer to use.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Hugging Face tokenizer.json (byte-level BPE).")
    Path tokenizer;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Text to encode.")
    String prompt;

    @Option(names = "--file", paramLabel = "FILE", description = "UTF-8 file to encode, exactly (trailing newlines included).")
    Path file;

    @Option(names = "--decode", paramLabel = "IDS", description = "Ids to decode, e.g. \"15496 995\".")
    String decode;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if ((model == null) == (tokenizer == null)) throw new UsageException("give either --model FILE or --tokenizer FILE");
        int inputs = (prompt != null ? 1 : 0) + (file != null ? 1 : 0) + (decode != null ? 1 : 0);
        if (inputs != 1) throw new UsageException("give exactly one of --prompt TEXT, --file FILE, --decode IDS");
        Tokenizer t = model != null ? ModelFile.load(model).tokenizer() : TextFiles.readAnyTokenizer(tokenizer);
        PrintWriter out = spec.commandLine().getOut();
        if (decode != null) {
            int[] ids;
            String text;
            try {
                ids = new IdTokenizer(t.vocabSize()).encode(decode);
                text = t.decode(ids);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (json) out.println(Json.write(Json.object("ids", ids, "text", text)));
            else out.println(text);
            return 0;
        }
        String text = prompt != null ? prompt : TextFiles.readUtf8(file);
        int[] ids;
        try {
            ids = t.encode(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (json) {
            List<String> tokens = new ArrayList<>(ids.length);
            for (int id : ids) tokens.add(t instanceof BpeTokenizer b ? b.token(id) : t.piece(id));
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("ids", ids);
            all.put("tokens", tokens);
            out.println(Json.write(all));
            return 0;
        }
        out.printf("%d tokens%n", ids.length);
        for (int i = 0; i < ids.length; i++) out.printf("%6d  %8d  %s%n", i, ids[i], Prompts.show(t, ids[i]));
        return 0;
    }
}
