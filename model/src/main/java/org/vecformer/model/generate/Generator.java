package org.vecformer.model.generate;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.KvCache;
import org.vecformer.model.transformer.Transformer;

/**
 * Autoregressive generation with a KV cache: the prompt is fed once, then each drawn token is fed alone,
 * and handed to a callback as soon as it is drawn. The whole sequence never exceeds n_ctx.
 */
public final class Generator {
    private Generator() {}

    /**
     * Draws up to {@code maxTokens} tokens after {@code prompt}; stops early when prompt plus generated
     * tokens reach n_ctx.
     *
     * @throws IllegalArgumentException for an empty or over-long prompt, or out-of-vocabulary ids
     */
    public static Generation generate(Transformer model, int[] prompt, int maxTokens, Sampler sampler, IntConsumer onToken) {
        int nCtx = model.config().nCtx(), vocab = model.config().dVocab();
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be >= 0, not " + maxTokens);
        if (prompt.length > nCtx) {
            throw new IllegalArgumentException("prompt has " + prompt.length + " tokens but the model's context is n_ctx = " + nCtx);
        }
        KvCache cache = model.kvCache();
        Tensor logits = cache.append(prompt);
        float[] last = logits.slice(prompt.length - 1).copy().data();
        int[] out = new int[maxTokens];
        int n = 0;
        while (n < maxTokens) {
            if (prompt.length + n == nCtx) return new Generation(Arrays.copyOf(out, n), Generation.Stop.CONTEXT_FULL, nCtx);
            int next = sampler.sample(last, 0, vocab);
            out[n++] = next;
            onToken.accept(next);
            if (n < maxTokens && prompt.length + n < nCtx) last = cache.append(next).data();
        }
        return new Generation(out, Generation.Stop.MAX_TOKENS, nCtx);
    }
}
