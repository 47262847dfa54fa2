package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.tensor.Tensor;

class GradClipTest {
    @Test
    void globalNormIsTheL2NormOverAllTensors() {
        Map<String, Tensor> g = AdamWTest.params(new Random(1));
        double sum = 0;
        for (Tensor t : g.values()) for (float x : t.data()) sum += x * (double) x;
        assertEquals(Math.sqrt(sum), GradClip.globalNorm(g), 1e-6 * Math.sqrt(sum), "float-lane sums of squares");
    }

    @Test
    void clippingScalesExactlyToTheMaxNormAndKeepsDirections() {
        Map<String, Tensor> g = AdamWTest.params(new Random(2));
        Map<String, Tensor> before = AdamWTest.copy(g);
        double norm = GradClip.globalNorm(g);
        assertEquals(norm, GradClip.clip(g, norm / 4), 0);
        assertEquals(norm / 4, GradClip.globalNorm(g), 1e-6 * norm);
        for (String name : g.keySet()) {
            float[] b = before.get(name).data(), a = g.get(name).data();
            for (int i = 0; i < a.length; i++) assertEquals(b[i] / 4.0, a[i], 1e-7, name);
        }
    }

    @Test
    void gradientsBelowTheMaxNormAreUntouched() {
        Map<String, Tensor> g = AdamWTest.params(new Random(3));
        Map<String, Tensor> before = AdamWTest.copy(g);
        GradClip.clip(g, GradClip.globalNorm(g) * 1.01);
        for (String name : g.keySet()) assertArrayEquals(before.get(name).data(), g.get(name).data(), name);
    }
}
