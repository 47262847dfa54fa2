package org.vecformer.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.AdamStep;
import org.vecformer.engine.kernel.Attention;
import org.vecformer.engine.kernel.AttentionBackward;
import org.vecformer.engine.kernel.BiasBackward;
import org.vecformer.engine.kernel.CrossEntropy;
import org.vecformer.engine.kernel.Embedding;
import org.vecformer.engine.kernel.EmbeddingBackward;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.LayerNorm;
import org.vecformer.engine.kernel.LayerNormBackward;
import org.vecformer.engine.kernel.OperandB;
import org.vecformer.engine.kernel.ProductAbove;
import org.vecformer.engine.kernel.Softmax;
import org.vecformer.engine.kernel.VectorExp;
import org.vecformer.engine.kernel.VectorOps;

/**
 * The one list that pairs every SIMD kernel with its scalar twin, and the check that the pairing is real: each
 * public entry point of a kernel that computes on arrays has a twin method of the same name and the same
 * parameter types (so a test can call either with the same arguments), the twin has nothing the kernel lacks,
 * and no kernel or twin class exists outside the list. A new kernel without a twin, or a twin that drifted from
 * its kernel's signature, fails here rather than in review.
 */
class KernelTwinsTest {
    /** Kernel → twin. Every class here is compared method by method. */
    static final Map<Class<?>, Class<?>> TWINS = Map.ofEntries(
            Map.entry(VectorOps.class, ScalarOps.class),
            Map.entry(VectorExp.class, RefExp.class),
            Map.entry(Gemm.class, RefGemm.class),
            Map.entry(ProductAbove.class, RefProductAbove.class),
            Map.entry(Softmax.class, RefSoftmax.class),
            Map.entry(LayerNorm.class, RefLayerNorm.class),
            Map.entry(CrossEntropy.class, RefCrossEntropy.class),
            Map.entry(Embedding.class, RefEmbedding.class),
            Map.entry(Attention.class, RefAttention.class),
            Map.entry(AttentionBackward.class, RefAttentionBackward.class),
            Map.entry(LayerNormBackward.class, RefLayerNormBackward.class),
            Map.entry(BiasBackward.class, RefBiasBackward.class),
            Map.entry(EmbeddingBackward.class, RefEmbeddingBackward.class),
            Map.entry(AdamStep.class, RefAdamStep.class));

    /**
     * Public classes with static methods on arrays that compute nothing a twin could check: {@link OperandB} describes the
     * B operand of a GEMM and copies it into the GEMM's own panel layout (its factories take the array); the products
     * on it are {@link Gemm}'s, twinned by {@link RefGemm}.
     */
    static final Set<Class<?>> NOT_KERNELS = Set.of(OperandB.class);

    /** A public static method that takes an array: an entry point that computes (not a constant or a description). */
    static boolean computes(Method m) {
        return Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())
                && Arrays.stream(m.getParameterTypes()).anyMatch(Class::isArray);
    }

    static Set<String> signatures(Class<?> c) {
        Set<String> out = new TreeSet<>();
        for (Method m : c.getDeclaredMethods()) {
            if (computes(m)) out.add(m.getName() + Arrays.toString(m.getParameterTypes()));
        }
        return out;
    }

    @Test
    void everyKernelEntryPointHasATwinWithTheSameSignature() {
        for (Map.Entry<Class<?>, Class<?>> pair : TWINS.entrySet()) {
            Set<String> kernel = signatures(pair.getKey()), twin = signatures(pair.getValue());
            assertTrue(!kernel.isEmpty(), pair.getKey().getSimpleName() + " has no public entry point on arrays");
            assertEquals(kernel, twin, pair.getKey().getSimpleName() + " and its twin " + pair.getValue().getSimpleName()
                    + " must offer the same methods (name and parameter types)");
        }
    }

    @Test
    void everyTwinClassIsListed() throws IOException {
        List<String> unlisted = new ArrayList<>();
        for (Class<?> c : classesOf(ScalarOps.class)) {
            if (!signatures(c).isEmpty() && !TWINS.containsValue(c)) unlisted.add(c.getSimpleName());
        }
        assertEquals(List.of(), unlisted, "twins missing from KernelTwinsTest.TWINS");
    }

    @Test
    void everyKernelThatComputesOnArraysIsListed() throws IOException {
        List<String> unlisted = new ArrayList<>();
        for (Class<?> c : classesOf(Gemm.class)) {
            if (Modifier.isPublic(c.getModifiers()) && !signatures(c).isEmpty() && !TWINS.containsKey(c) && !NOT_KERNELS.contains(c)) {
                unlisted.add(c.getSimpleName());
            }
        }
        assertEquals(List.of(), unlisted, "public kernels without a twin in KernelTwinsTest.TWINS");
    }

    /** The top-level classes compiled into the package of {@code anchor}, loaded by name. */
    static List<Class<?>> classesOf(Class<?> anchor) throws IOException {
        Path dir;
        try {
            dir = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve(anchor.getPackageName().replace('.', '/'));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".class") || name.contains("$") || name.equals("package-info.class")) continue;
                try {
                    out.add(Class.forName(anchor.getPackageName() + "." + name.substring(0, name.length() - 6)));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertTrue(out.size() > 5, "found only " + out + " under " + dir);
        return out;
    }
}
