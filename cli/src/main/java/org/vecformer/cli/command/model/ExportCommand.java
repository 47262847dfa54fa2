package org.vecformer.cli.command.model;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tl.TlExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ModelOption;

/** {@code vecformer export}: a model file as TransformerLens loads it (state dict + HookedTransformerConfig JSON). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model for TransformerLens: DIR/model.safetensors (the state dict in TransformerLens names) and"
                + " DIR/config.json (HookedTransformerConfig fields); docs/interop.md shows the Python that loads them.")
public final class ExportCommand implements Callable<Integer> {
    /** File names inside the output folder. */
    static final String WEIGHTS = "model.safetensors", CONFIG = "config.json";

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created when missing).")
    Path out;

    @Option(names = "--json", description = "Print the written files and the config as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        OutputPaths.directory("--out", out);
        ModelFile m = model.load();
        Map<String, Tensor> dict = TlExport.stateDict(m.weights());
        String config = TlExport.configJson(m.config());
        OutputPaths.create(out);
        Path weights = out.resolve(WEIGHTS), configFile = out.resolve(CONFIG);
        SafetensorsWriter.write(weights, Map.of(), dict);
        Json.writeFile(configFile, config);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("weights", weights.toString());
            all.put("config_file", configFile.toString());
            all.put("tensors", dict.size());
            all.put("config", JSON.std.mapFrom(config));
            o.println(JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(all));
        } else {
            o.printf("wrote %s (%d tensors) and %s%n", weights, dict.size(), configFile);
            o.printf("  Python: cfg = HookedTransformerConfig(**json.load(open(\"%s\"))); model = HookedTransformer(cfg);"
                    + " model.load_state_dict(safetensors.torch.load_file(\"%s\"), strict=False)%n", configFile, weights);
        }
        return 0;
    }
}
