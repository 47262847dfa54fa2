package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecformer.model.circuits.RandomModels.head;
import static org.vecformer.model.circuits.RandomModels.matrix;
import static org.vecformer.model.circuits.RandomModels.maxAbs;
import static org.vecformer.model.circuits.RandomModels.maxAbsDiff;

import org.junit.jupiter.api.Test;
import org.vecformer.engine.linalg.Eigen;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Block;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/** Factored circuits against explicit dense products of the (folded) weights; folding against the forward. */
class CircuitMathTest {
    private final Weights weights = RandomModels.random(RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true), 7);
    private final Circuits circuits = new Circuits(CircuitWeights.of(weights));

    /** diag(w₁) W of head h, from the raw tensors. */
    private Matrix folded(int l, Tensor w, int h) {
        return head(w, h, weights.blocks().get(l).ln1W().data());
    }

    private Matrix wE() {
        return matrix(weights.wE(), null);
    }

    /** W_U' = diag(w_f) W_U. */
    private Matrix wU() {
        return matrix(weights.wU(), weights.lnFinalW().data());
    }

    private static void assertClose(Matrix want, Matrix got, String what) {
        double err = maxAbsDiff(want, got), scale = Math.max(1, maxAbs(want));
        assertTrue(err <= 1e-5 * scale, what + ": max |diff| " + err + " at scale " + scale);
    }

    @Test
    void factoredCircuitsEqualTheExplicitProducts() {
        for (int l = 0; l < 2; l++) {
            Block b = weights.blocks().get(l);
            LayerCircuits layer = circuits.layer(l);
            assertEquals(3, layer.heads());
            for (int h = 0; h < 3; h++) {
                Matrix q = folded(l, b.wQ(), h), k = folded(l, b.wK(), h), v = folded(l, b.wV(), h), o = head(b.wO(), h, null);
                String at = " L" + l + "H" + h;
                Matrix qk = wE().multiply(q).multiply(k.transpose()).multiply(wE().transpose()), ov = wE().multiply(v).multiply(o).multiply(wU());
                assertClose(qk, circuits.qkCircuit(l, h).materialize(), "QK" + at);
                assertClose(ov, circuits.ovCircuit(l, h).materialize(), "OV" + at);
                assertClose(qk, layer.qkCircuit(h).materialize(), "QK of the layer's" + at);
                assertClose(ov, layer.ovCircuit(h).materialize(), "OV of the layer's" + at);
                Matrix pos = matrix(weights.wPos(), null);
                assertClose(pos.multiply(q).multiply(k.transpose()).multiply(pos.transpose()), circuits.positionalQk(l, h).materialize(), "pos QK" + at);
                assertClose(v.multiply(o), circuits.ov(l, h).materialize(), "W_V W_O" + at);
            }
        }
        Matrix direct = wE().multiply(wU());
        int vocab = weights.config().dVocab(), dm = weights.config().dModel();
        for (int j = 0; j < vocab; j++) {
            double b = weights.bU().get(j);
            for (int i = 0; i < dm; i++) b += (double) weights.lnFinalB().get(i) * weights.wU().get(i, j);
            for (int i = 0; i < vocab; i++) direct.set(i, j, direct.get(i, j) + b);
        }
        assertClose(direct, circuits.directPath().materialize(), "direct path with b_U' = b_U + b_f W_U");
    }

    @Test
    void copyingScoreEqualsTheEigenvaluesOfTheFullOvCircuit() {
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                Eigen e = Eigen.of(circuits.ovCircuit(l, h).materialize()); // all d_vocab eigenvalues
                double re = 0, abs = 0;
                for (int i = 0; i < e.size(); i++) {
                    re += e.re()[i];
                    abs += e.modulus(i);
                }
                assertEquals(re / abs, circuits.copyingScore(l, h), 1e-4, "L" + l + "H" + h);
            }
        }
    }

    @Test
    void compositionScoresMatchExplicitFrobeniusNormsAndLieInTheUnitInterval() {
        Composition comp = Composition.of(circuits);
        for (int h1 = 0; h1 < 3; h1++) {
            Matrix a = circuits.ov(0, h1).materialize();
            for (int h2 = 0; h2 < 3; h2++) {
                Matrix qk = circuits.qk(1, h2).materialize(), ov = circuits.ov(1, h2).materialize();
                assertEquals(explicit(a, qk), comp.q()[0][h1][1][h2], 1e-9);
                assertEquals(explicit(a, qk.transpose()), comp.k()[0][h1][1][h2], 1e-9);
                assertEquals(explicit(a, ov), comp.v()[0][h1][1][h2], 1e-9);
            }
        }
        for (Composition.Kind kind : Composition.Kind.values()) {
            double[][][][] s = comp.of(kind);
            for (int l1 = 0; l1 < 2; l1++) for (int h1 = 0; h1 < 3; h1++) for (int l2 = 0; l2 < 2; l2++) for (int h2 = 0; h2 < 3; h2++) {
                double x = s[l1][h1][l2][h2];
                assertTrue(x >= 0 && x <= 1, kind + " " + x);
                if (l2 <= l1) assertEquals(0, x);
            }
        }
        assertTrue(comp.baseline() > 0 && comp.baseline() < 1, "baseline " + comp.baseline());
    }

    private static double explicit(Matrix a, Matrix b) {
        return a.multiply(b).frobeniusNorm() / (a.frobeniusNorm() * b.frobeniusNorm());
    }

    @Test
    void foldingLayerNormLeavesTheLogitsUnchanged() {
        for (boolean biases : new boolean[] {true, false}) {
            Weights w = RandomModels.random(RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, biases), 11);
            Weights f = LayerNormFold.fold(w);
            assertEquals(Normalization.LN_PRE, f.config().normalization());
            int[][] tokens = {{1, 5, 2, 12, 0, 7, 7, 3, 9}, {4, 4, 8, 1, 0, 11, 2, 6, 10}};
            float[] a = new Transformer(w).forward(tokens).data(), b = new Transformer(f).forward(tokens).data();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 2e-4 * Math.max(1, Math.abs(a[i])), "logit " + i + " biases " + biases);
            // the analysis matrices of the LN model are those of the folded model
            CircuitWeights cw = CircuitWeights.of(w), cf = CircuitWeights.of(f);
            assertClose(cf.wQ(1, 2), cw.wQ(1, 2), "W_Q'");
            assertClose(new Circuits(cf).directPath().materialize(), new Circuits(cw).directPath().materialize(), "direct path");
        }
        Weights shortformer = RandomModels.random(RandomModels.config(1, Normalization.LN, PositionalEmbedding.SHORTFORMER, true), 3);
        assertThrows(IllegalArgumentException.class, () -> LayerNormFold.fold(shortformer));
        Weights pre = RandomModels.random(RandomModels.config(1, Normalization.LN_PRE, PositionalEmbedding.STANDARD, true), 3);
        assertTrue(LayerNormFold.fold(pre) == pre, "nothing to fold without LN weights");
    }

    @Test
    void shortformerPositionsMeetTheUnfoldedQueryAndKey() {
        Weights w = RandomModels.random(RandomModels.config(1, Normalization.LN, PositionalEmbedding.SHORTFORMER, true), 5);
        Circuits c = new Circuits(CircuitWeights.of(w));
        Matrix pos = matrix(w.wPos(), null), q = head(w.blocks().get(0).wQ(), 1, null), k = head(w.blocks().get(0).wK(), 1, null);
        assertClose(pos.multiply(q).multiply(k.transpose()).multiply(pos.transpose()), c.positionalQk(0, 1).materialize(), "shortformer pos QK");
    }

    @Test
    void aRestrictedVocabularyKeepsTheEntriesOfItsTokens() {
        int[] ids = {9, 2, 12, 0};
        Circuits small = new Circuits(circuits.weights().restrict(ids));
        Matrix full = circuits.ovCircuit(1, 2).materialize(), part = small.ovCircuit(1, 2).materialize();
        Matrix fullQk = circuits.qkCircuit(1, 2).materialize(), partQk = small.layer(1).qkCircuit(2).materialize();
        Matrix layerOv = small.layer(1).ovCircuit(2).materialize();
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], small.weights().tokenId(i));
            for (int j = 0; j < ids.length; j++) {
                assertEquals(full.get(ids[i], ids[j]), part.get(i, j), 1e-6);
                assertEquals(full.get(ids[i], ids[j]), layerOv.get(i, j), 1e-6);
                assertEquals(fullQk.get(ids[i], ids[j]), partQk.get(i, j), 1e-6);
            }
        }
        assertEquals(circuits.copyingScore(1, 2), small.copyingScore(1, 2), 1e-12, "copying scores always use the whole vocabulary");
    }
}
