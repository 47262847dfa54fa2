package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.HookPoints;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Run;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.PromptOption;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer cache}: TransformerLens' {@code run_with_cache} on one prompt, written as safetensors: every hook
 * point's activation (or those whose names match {@code --names}) under its TransformerLens name and shape, batch
 * dimension 1, float32; {@code __metadata__} records the model file ({@code model}), the token ids ({@code tokens}, a
 * JSON array) and the layout ({@code format}).
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Run a prompt and write every hook point's activation (TransformerLens names and shapes) to a safetensors file.")
public final class CacheCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Mixin
    PromptOption prompt;

    @Option(names = "--names", paramLabel = "GLOB[,GLOB...]",
            description = "Keep only hook points matching one of these globs (* any characters, ? one), e.g. 'blocks.*.attn.hook_pattern'.")
    String names;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The safetensors file to write (atomically).")
    Path out;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        ModelFile m = model.load();
        int[] ids = prompt.encode(m);
        Predicate<String> filter = names == null ? name -> true : globs(names);
        List<String> kept = HookPoints.names(m.config()).stream().filter(filter).toList();
        if (kept.isEmpty()) {
            throw new UsageException("no hook point matches --names '" + names + "': names look like "
                    + String.join(", ", HookPoints.names(m.config()).subList(0, Math.min(4, HookPoints.names(m.config()).size()))));
        }
        Run run = m.transformer().run(new int[][] {ids}, Hooks.caching(filter));
        Map<String, Tensor> tensors = new LinkedHashMap<>(run.cache());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "vecformer activation cache: TransformerLens hook names and shapes, batch 1, float32");
        metadata.put("model", model.path.toAbsolutePath().normalize().toString());
        metadata.put("tokens", Json.write(ids));
        SafetensorsWriter.write(out, metadata, tensors);
        long floats = tensors.values().stream().mapToLong(Tensor::size).sum();
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %d activations (%,d floats) of %d tokens to %s%n", tensors.size(), floats, ids.length, out);
        return 0;
    }

    /** Comma-separated globs over hook names: {@code *} any run of characters, {@code ?} one character, all else literal. */
    static Predicate<String> globs(String globs) {
        StringBuilder regex = new StringBuilder();
        for (String glob : globs.split(",")) {
            if (glob.isBlank()) continue;
            if (!regex.isEmpty()) regex.append('|');
            regex.append("(?:");
            for (char ch : glob.trim().toCharArray()) {
                regex.append(switch (ch) {
                    case '*' -> ".*";
                    case '?' -> ".";
                    default -> Pattern.quote(String.valueOf(ch));
                });
            }
            regex.append(')');
        }
        if (regex.isEmpty()) throw new UsageException("--names is empty: give globs such as 'blocks.*.attn.hook_pattern'");
        Pattern p = Pattern.compile(regex.toString());
        return name -> p.matcher(name).matches();
    }
}
