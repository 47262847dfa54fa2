package org.vecformer.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.io.SafetensorsWriter;
import org.vecformer.engine.tensor.Tensor;

/** A checkpoint, tokenizer or config given where a model file belongs is named as what it is, with what to do. */
class ModelFileKindTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ModelFileKindTest.class.getResource("/tl/LN-standard-f32/" + name).toURI());
    }

    private static String refusal(Path p) {
        return assertThrows(ModelFileException.class, () -> ModelFile.load(p)).getMessage();
    }

    @Test
    void pytorchCheckpointSaysToImportIt() throws Exception {
        Path pth = fixture("model_final.pth");
        assertEquals(FileKind.PYTORCH, FileKind.sniff(pth));
        assertEquals("model file " + pth + ": this is a PyTorch checkpoint, not a model file: use vecformer import --weights "
                + pth + " --config config.json --out MODEL.safetensors", refusal(pth));
        // torch.save(..., _use_new_zipfile_serialization=False): the pickled magic number comes first.
        Path legacy = Files.write(dir.resolve("legacy.pt"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        assertEquals(FileKind.PYTORCH, FileKind.sniff(legacy));
    }

    @Test
    void tokenizerAndConfigSayWhatTheyAre() throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"),
                "\uFEFF {\"version\": \"1.0\", \"truncation\": null, \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        assertEquals("model file " + tokenizer + ": this is a tokenizer, not a model", refusal(tokenizer));
        Path config = fixture("config.json");
        assertEquals("model file " + config + ": this is a model config, not a model file: use vecformer import --weights WEIGHTS"
                + " --config " + config + " --out MODEL.safetensors", refusal(config));
    }

    @Test
    void stateDictWithoutConfigSaysToImportIt() throws Exception {
        Path plain = fixture("model.safetensors");
        assertEquals("model file " + plain + ": has no __metadata__.config (a safetensors file, but not a vecformer model; a"
                + " TransformerLens state dict becomes one with: vecformer import --weights " + plain
                + " --config config.json --out MODEL.safetensors)", refusal(plain));
    }

    @Test
    void safetensorsWhoseLengthBytesLookLikeOtherFormatsAreStillSafetensors() throws IOException {
        // Header lengths 0x7B ('{') and 0x280 (0x80 0x02, a pickle PROTO 2) are ordinary safetensors files.
        for (int length : new int[] {0x7B, 0x280}) {
            Path file = dir.resolve("len" + length + ".safetensors");
            String json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
            byte[] header = Arrays.copyOf(json.getBytes(), length);
            Arrays.fill(header, json.length(), length, (byte) ' ');
            byte[] bytes = java.nio.ByteBuffer.allocate(8 + length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(length).put(header).putFloat(1.5f).array();
            Files.write(file, bytes);
            assertEquals(FileKind.OTHER, FileKind.sniff(file));
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertEquals(1.5f, f.readFloats("t")[0]);
            }
        }
        Path written = dir.resolve("ours.safetensors");
        SafetensorsWriter.write(written, Map.of(), Map.of("x", Tensor.zeros(3)));
        assertEquals(FileKind.OTHER, FileKind.sniff(written));
    }
}
