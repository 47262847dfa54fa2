package org.vecformer.model.circuits;

import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/** Zero-layer models whose logits after token a are a chosen row: no norm, W_E = identity (d_model = V), W_pos = 0, no biases. */
final class DirectModels {
    private DirectModels() {}

    /** logits(prefix ending in a) = table[a·V .. a·V+V), for prompts of up to {@code ctx} tokens. */
    static Transformer of(int v, int ctx, double[] table) {
        Config c = Config.of(0, v, 1, 1, ctx, v).withNormalization(Normalization.NONE).withBiases(false);
        Weights w = Weights.init(c, 1, 0);
        for (int a = 0; a < v; a++) w.wE().data()[a * v + a] = 1;
        for (int i = 0; i < v * v; i++) w.wU().data()[i] = (float) table[i];
        return new Transformer(w);
    }
}
