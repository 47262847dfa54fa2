package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.tensor.Tensor;

class AdamWTest {
    private static final AdamW.Config CONFIG = new AdamW.Config(0.9, 0.95, 1e-8, 0.1);

    @Test
    void twoStepsMatchTheClosedFormAndDecayOnlyMatrices() {
        Map<String, Tensor> params = params(new Random(1));
        Map<String, Tensor> start = copy(params);
        Map<String, Tensor> g1 = grads(new Random(2)), g2 = grads(new Random(3));
        AdamW adam = new AdamW(CONFIG, params);
        adam.step(g1, 1e-2);
        adam.step(g2, 5e-3);
        assertEquals(2, adam.step());
        for (String name : params.keySet()) {
            float[] p0 = start.get(name).data(), a = g1.get(name).data(), b = g2.get(name).data();
            double lambda = name.contains(".W_") ? 0.1 : 0;
            for (int i = 0; i < p0.length; i++) {
                // step 1: m = 0.1 a, v = 0.05 a², m̂ = a, v̂ = a², update = a / (|a| + eps)
                double p1 = p0[i] * (1 - 1e-2 * lambda) - 1e-2 * a[i] / (Math.abs(a[i]) + 1e-8);
                double m2 = 0.9 * 0.1 * a[i] + 0.1 * b[i], v2 = 0.95 * 0.05 * a[i] * a[i] + 0.05 * b[i] * b[i];
                double mHat = m2 / (1 - 0.81), vHat = v2 / (1 - 0.9025);
                double expected = p1 * (1 - 5e-3 * lambda) - 5e-3 * mHat / (Math.sqrt(vHat) + 1e-8);
                assertEquals(expected, params.get(name).data()[i], 1e-6, name + "[" + i + "]");
            }
        }
    }

    @Test
    void weightDecayAloneShrinksMatricesButNotVectors() {
        Map<String, Tensor> params = params(new Random(4));
        Map<String, Tensor> start = copy(params);
        Map<String, Tensor> zero = new LinkedHashMap<>();
        params.forEach((n, p) -> zero.put(n, Tensor.zeros(p.shape())));
        new AdamW(CONFIG, params).step(zero, 0.5);
        for (String name : params.keySet()) {
            float[] p0 = start.get(name).data(), p1 = params.get(name).data();
            double factor = name.contains(".W_") ? 1 - 0.5 * 0.1 : 1;
            for (int i = 0; i < p0.length; i++) assertEquals(p0[i] * factor, p1[i], Math.ulp(p1[i]), name + ": decay factor and product in float");
        }
    }

    @Test
    void exportThenImportContinuesBitExactly() {
        Random rnd = new Random(5);
        Map<String, Tensor> a = params(rnd);
        Map<String, Tensor> g1 = grads(rnd), g2 = grads(rnd), g3 = grads(rnd);
        AdamW straight = new AdamW(CONFIG, a);
        straight.step(g1, 1e-3);
        straight.step(g2, 2e-3);
        Map<String, Tensor> b = copy(a);
        Map<String, Tensor> saved = straight.exportState();
        AdamW resumed = new AdamW(CONFIG, b);
        resumed.importState(saved);
        straight.step(g3, 3e-3);
        resumed.step(g3, 3e-3);
        assertEquals(3, resumed.step());
        for (String name : a.keySet()) assertArrayEquals(a.get(name).data(), b.get(name).data(), name);
        Map<String, Tensor> s1 = straight.exportState(), s2 = resumed.exportState();
        assertEquals(s1.keySet(), s2.keySet());
        for (String key : s1.keySet()) assertArrayEquals(s1.get(key).data(), s2.get(key).data(), key);
    }

    @Test
    void exportNamesEveryMomentAndTheStep() {
        AdamW adam = new AdamW(CONFIG, params(new Random(6)));
        assertEquals(List.of("adam.m.blocks.0.attn.W_Q", "adam.v.blocks.0.attn.W_Q", "adam.m.blocks.0.attn.b_Q", "adam.v.blocks.0.attn.b_Q",
                "adam.m.blocks.0.ln1.w",
                "adam.v.blocks.0.ln1.w", "adam.m.unembed.b_U", "adam.v.unembed.b_U", "adam.step"), List.copyOf(adam.exportState().keySet()));
    }

    @Test
    void rejectsMismatchedGradientsAndState() {
        AdamW adam = new AdamW(CONFIG, params(new Random(7)));
        Map<String, Tensor> g = grads(new Random(8));
        g.remove("unembed.b_U");
        assertThrows(IllegalArgumentException.class, () -> adam.step(g, 1e-3));
        Map<String, Tensor> state = adam.exportState();
        state.put(AdamW.STEP, Tensor.of(new float[] {1.5f}, 1));
        assertThrows(IllegalArgumentException.class, () -> adam.importState(state));
        state.put(AdamW.STEP, Tensor.of(new float[] {1f}, 1));
        state.put("adam.m.unembed.b_U", Tensor.zeros(4));
        assertThrows(IllegalArgumentException.class, () -> adam.importState(state));
    }

    /** A matrix-shaped (rank 3), a matrix-shaped bias (rank 2), a LayerNorm weight and a bias, like the transformer's. */
    static Map<String, Tensor> params(Random rnd) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("blocks.0.attn.W_Q", random(rnd, 2, 3, 2));
        p.put("blocks.0.attn.b_Q", random(rnd, 2, 2));
        p.put("blocks.0.ln1.w", random(rnd, 3));
        p.put("unembed.b_U", random(rnd, 5));
        return p;
    }

    static Map<String, Tensor> grads(Random rnd) {
        return params(rnd);
    }

    static Map<String, Tensor> copy(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    private static Tensor random(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = rnd.nextFloat() * 2 - 1;
        return t;
    }
}
