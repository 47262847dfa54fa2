package org.vecformer.model.tl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.tensor.Tensor;

/**
 * The {@code .pth} copies of the fixtures (torch.save of the same state dicts, with the mask/IGNORE buffers) read to
 * exactly the tensors of their safetensors copies, so everything {@link TlFixturesTest} proves for safetensors holds
 * for PyTorch checkpoints; {@code model_views.pth} (W_U a transposed view, W_pos and b_U slices of one storage) reads
 * to the same values as {@code model_final.pth}.
 */
class TlPthFixturesTest {
    static Stream<Path> variants() {
        return TlFixtures.variants().stream();
    }

    private static TlStateDict read(Path file) throws IOException {
        return TlStateDict.read(file, n -> {}, n -> {});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void pthReadsToTheSafetensorsTensors(Path dir) throws IOException {
        TlStateDict pth = read(dir.resolve("model_final.pth")), safetensors = read(dir.resolve("model.safetensors"));
        assertEquals("pytorch", pth.format());
        Map<String, Tensor> want = safetensors.tensors();
        for (Map.Entry<String, Tensor> e : want.entrySet()) {
            Tensor got = pth.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(e.getValue().data(), got.data(), e.getKey());
        }
        int layers = (int) want.keySet().stream().filter(k -> k.endsWith(".attn.W_Q")).count();
        for (int l = 0; l < layers; l++) assertEquals(true, pth.skipped().contains("blocks." + l + ".attn.mask"), "the bool mask is skipped");
    }

    @Test
    void viewsAndSharedStoragesReadToTheirValues() throws IOException {
        Path dir = TlFixtures.root().resolve("LN-standard-f32");
        TlStateDict plain = read(dir.resolve("model_final.pth")), views = read(dir.resolve("model_views.pth"));
        assertEquals(plain.tensors().keySet(), views.tensors().keySet());
        for (String name : List.of("unembed.W_U", "pos_embed.W_pos", "unembed.b_U", "embed.W_E")) {
            assertArrayEquals(plain.tensors().get(name).shape(), views.tensors().get(name).shape(), name);
            assertArrayEquals(plain.tensors().get(name).data(), views.tensors().get(name).data(), name);
        }
    }
}
