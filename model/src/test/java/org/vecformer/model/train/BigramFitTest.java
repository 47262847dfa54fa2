package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.EmbeddingBackward;
import org.vecformer.engine.reference.RefCrossEntropy;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.data.Batch;
import org.vecformer.model.data.BigramTask;

/**
 * The pieces compose into a training loop: a logit table L [V, V] (logits after token a = row a, i.e. an embedding
 * with d_model = V read straight as logits) trained on the bigram task with cross-entropy, embedding backward,
 * clipping, AdamW and the schedule must approach the true chain: mean KL(true ‖ softmax(L)) ends far below its start.
 */
class BigramFitTest {
    @Test
    void adamWLearnsTheTransitionTable() {
        int v = 8, nCtx = 32, size = 16, steps = 300;
        BigramTask task = BigramTask.random(v, nCtx, 0.7, 1);
        Map<String, Tensor> params = new LinkedHashMap<>(), grads = new LinkedHashMap<>();
        params.put("embed.W_E", Tensor.zeros(v, v));
        grads.put("embed.W_E", Tensor.zeros(v, v));
        float[] table = params.get("embed.W_E").data(), grad = grads.get("embed.W_E").data();
        AdamW adam = new AdamW(new AdamW.Config(0.9, 0.99, 1e-8, 0), params);
        WarmupCosine schedule = new WarmupCosine(0.1, 10, steps, 0.005);
        double before = task.chain().meanKl(probabilities(table, v));
        float[] logits = new float[size * nCtx * v], loss = new float[size * nCtx];
        for (int s = 0; s < steps; s++) {
            Batch b = task.next(size);
            int[] inputs = b.inputs();
            for (int r = 0; r < inputs.length; r++) System.arraycopy(table, inputs[r] * v, logits, r * v, v);
            float[] dLogits = new float[logits.length];
            RefCrossEntropy.forwardBackward(logits, 0, v, inputs.length, v, b.targets(), 1f / inputs.length, loss, dLogits, 0, v);
            Arrays.fill(grad, 0f);
            EmbeddingBackward.scatterAdd(v, inputs, dLogits, 0, v, grad, 0, v, v);
            GradClip.clip(grads, 1.0);
            adam.step(grads, schedule.lr(s));
        }
        double after = task.chain().meanKl(probabilities(table, v));
        assertTrue(after < 0.05 && after < before / 10, "mean KL " + before + " -> " + after);
    }

    private static float[] probabilities(float[] table, int v) {
        float[] p = new float[v * v];
        for (int a = 0; a < v; a++) {
            double sum = 0;
            for (int b = 0; b < v; b++) sum += Math.exp(table[a * v + b]);
            for (int b = 0; b < v; b++) p[a * v + b] = (float) (Math.exp(table[a * v + b]) / sum);
        }
        return p;
    }
}
