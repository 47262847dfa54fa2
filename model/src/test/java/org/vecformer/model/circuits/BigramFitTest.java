package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.data.TokenStream;
import org.vecformer.model.train.TrainConfig;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

class BigramFitTest {
    private static final int V = 6, CTX = 5;
    private static final BigramChain CHAIN = BigramChain.random(V, 0.7, 3);

    private static Transformer directTable(double[] logitsTable) {
        return DirectModels.of(V, CTX, logitsTable);
    }

    @Test
    void theTrueLogProbabilitiesScoreZeroAndUniformLogitsScoreLnVMinusTheEntropy() {
        double[] log = new double[V * V];
        for (int i = 0; i < log.length; i++) log[i] = Math.log(CHAIN.transition()[i]);
        BigramFit exact = BigramFit.of(directTable(log), CHAIN);
        assertEquals(CTX, exact.perPosition().length);
        assertEquals(0, exact.worstKl(), 1e-6);

        double entropy = 0; // mean over a of H(P(.|a))
        for (double p : CHAIN.transition()) entropy -= p * Math.log(p) / V;
        BigramFit uniform = BigramFit.of(directTable(new double[V * V]), CHAIN);
        for (double kl : uniform.perPosition()) assertEquals(Math.log(V) - entropy, kl, 1e-6);
        assertEquals(Math.log(V) - entropy, uniform.meanKl(), 1e-6);
    }

    /** The bigram goal in miniature: train a default zero-layer model on a walk, as --task tokens does. */
    @Test
    void aZeroLayerModelTrainedOnAWalkOfTheChainComesClose() {
        BigramChain chain = BigramChain.random(8, 0.5, 11);
        TokenStream walk = new TokenStream("walk", chain.walk(20_000, 12), 8);
        int ctx = 16;
        Config c = Config.of(0, 16, 1, 16, ctx, 8);
        TrainConfig tc = TrainConfig.of(200, 16, 1e-2, 1);
        Trainer t = new Trainer(Weights.init(c, 1), tc, walk.training().windows(ctx, 1), walk.heldOut().windows(ctx, 2).next(16));
        double before = BigramFit.of(new Transformer(t.weights()), chain).meanKl();
        while (!t.done()) t.step();
        BigramFit after = BigramFit.of(new Transformer(t.weights()), chain);
        assertTrue(after.meanKl() < 0.03 && after.worstKl() < 0.05 && after.meanKl() < before / 10,
                "mean KL " + before + " -> " + after.meanKl() + " (worst position " + after.worstKl() + ")");
    }
}
