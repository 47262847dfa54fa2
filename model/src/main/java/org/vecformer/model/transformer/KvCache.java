package org.vecformer.model.transformer;

import org.vecformer.engine.tensor.Tensor;

/**
 * Decoding state of one sequence: per layer the fused Q|K|V rows [n_ctx, 3·n_heads·d_head] of every
 * position seen so far, so each new token costs one row of projections and attention over the cached keys.
 * The weights are packed when the cache is made; later changes to them are not seen.
 */
public final class KvCache {
    private final Forward forward;
    private final float[][] qkv;
    private int position;

    KvCache(Forward forward) {
        this.forward = forward;
        Config c = forward.config();
        this.qkv = new float[c.nLayers()][c.nCtx() * c.qkvWidth()];
    }

    /** Number of positions already in the cache. */
    public int position() {
        return position;
    }

    /** Positions still free: {@code n_ctx - position()}. */
    public int remaining() {
        return forward.config().nCtx() - position;
    }

    /**
     * Forgets every position from {@code length} on, so the next {@link #append} continues the first
     * {@code length} tokens (a prompt reused for several continuations, or one decode step timed again and again).
     *
     * @throws IllegalArgumentException when {@code length} is negative or beyond {@link #position()}
     */
    public void truncate(int length) {
        if (length < 0 || length > position) {
            throw new IllegalArgumentException("truncate to " + length + " positions: must be in [0, " + position + "]");
        }
        position = length;
    }

    /**
     * Feeds {@code tokens} at positions position()..position()+n-1 and returns their logits [n, d_vocab],
     * the same as rows of a full forward over everything fed so far.
     *
     * @throws IllegalArgumentException when the tokens would run past n_ctx or leave the vocabulary
     */
    public Tensor append(int... tokens) {
        Config c = forward.config();
        Transformer.checkTokens(c, tokens, position);
        float[] logits = forward.extend(tokens, position, qkv);
        position += tokens.length;
        return Tensor.of(logits, tokens.length, c.dVocab());
    }
}
