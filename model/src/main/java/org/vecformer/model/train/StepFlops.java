package org.vecformer.model.train;

import org.vecformer.model.transformer.Config;

/**
 * The floating-point work of one training step ({@link Trainer#step()}) in its matrix products, counted from the
 * config: what "effective GFLOPS" and "share of a GEMM-bound step" divide by. With B sequences of T = n_ctx tokens
 * (r = B·T rows), d_model D, H heads of d_head E (hd = H·E), L layers, d_vocab V, and P = T(T+1)/2 visible
 * query-key pairs per head and sequence (the causal half):
 * <pre>
 *   per layer    3 · 2·r·D·3hd                 Q|K|V projection: forward, dW_Q|K|V, dx
 *              + 3 · 2·r·hd·D                  W_O: forward, dW_O, dz
 *              + 6 · 2·P·E·H·B                 attention: Q·Kᵀ and P·V forward, dV, dP, dQ, dK backward
 *   unembedding  3 · 2·r·D·V                   forward, dW_U, dx
 *   total        L · per layer + unembedding
 * </pre>
 * Element-wise work (softmax, layer norm, cross-entropy, AdamW) is not counted: a step that did only these products
 * at the speed of our GEMM is the bound the share is taken against. For the d_model 512 benchmark config (2 layers,
 * 8 heads of 64, n_ctx 256, d_vocab 512, batch 8) that is 32.2 GFLOP.
 */
public final class StepFlops {
    private StepFlops() {}

    /** Floating-point operations (two per multiply-add) of one step of {@code batch} sequences of {@code c.nCtx()} tokens. */
    public static double of(Config c, int batch) {
        double t = c.nCtx(), r = batch * t, dm = c.dModel(), hd = (double) c.nHeads() * c.dHead();
        double pairs = t * (t + 1) / 2;
        double perLayer = 3 * 2 * r * dm * 3 * hd + 3 * 2 * r * hd * dm + 6 * 2 * pairs * c.dHead() * c.nHeads() * batch;
        return c.nLayers() * perLayer + 3 * 2 * r * dm * c.dVocab();
    }
}
