package org.vecformer.cli.command.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/** {@code circuits --weight-by-frequency}: entries of tokens the corpus never uses drop out of the ranking. */
class CircuitsFrequencyTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    @Test
    void skipTrigramSourcesComeFromTheCorpus() throws IOException {
        Path model = dir.resolve("m.safetensors");
        new ModelFile(Weights.init(Config.of(1, 16, 2, 8, 16, 32), 3, 0.5), Optional.empty()).save(model);
        Path corpus = dir.resolve("ids.txt");
        Files.writeString(corpus, "3 5 ".repeat(500) + "7\n"); // f(3) = f(5) = 1, f(7) = 2/501, others 1/501

        CliRun plain = CliRun.of("circuits", "--model", model.toString(), "--json", "--top-k", "4");
        assertEquals(0, plain.code(), plain.err());
        List<Map<String, Object>> before = (List<Map<String, Object>>) JSON.std.mapFrom(plain.out()).get("skip_trigrams");
        assertTrue(before.stream().anyMatch(t -> !List.of(3, 5).contains(((Number) t.get("source")).intValue())), "a random model's sources spread");

        CliRun weighted = CliRun.of("circuits", "--model", model.toString(), "--json", "--top-k", "4", "--weight-by-frequency", corpus.toString());
        assertEquals(0, weighted.code(), weighted.err());
        Map<String, Object> all = JSON.std.mapFrom(weighted.out());
        assertTrue(String.valueOf(all.get("entries_weighted_by_frequency")).contains("(count(t)+1)/(max count+1)"));
        for (Map<String, Object> t : (List<Map<String, Object>>) all.get("skip_trigrams")) {
            assertTrue(List.of(3, 5).contains(((Number) t.get("source")).intValue()), "source " + t);
        }

        Path foreign = dir.resolve("foreign.txt");
        Files.writeString(foreign, "3 5 40\n");
        CliRun bad = CliRun.of("circuits", "--model", model.toString(), "--weight-by-frequency", foreign.toString());
        assertEquals(1, bad.code(), bad.err());
        assertTrue(bad.err().contains("token id 40 is outside the model's vocabulary [0, 32)"), bad.err());
    }
}
