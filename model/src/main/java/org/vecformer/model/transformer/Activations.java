package org.vecformer.model.transformer;

/**
 * What the backward pass needs from a training forward over B sequences of T tokens (rows = B·T), filled by the
 * pieces of {@link Forward} when it is given a store ({@link AttentionSublayer} per block, {@link Unembedding} for
 * ln_final; a new block sublayer adds its own arrays here). Arrays are the forward's own buffers (not copies):
 * <pre>
 *   lnIn[l]     [rows, d_model]              resid_pre of block l (the layer norm's input)
 *   lnScale[l]  [rows]                       hook_scale of ln1 (null without normalization)
 *   lnOut[l]    [rows, d_model]              ln1's output = the QKV GEMM's input (lnIn[l] itself without normalization)
 *   qkv[l]      [rows, 3·n_heads·d_head]     fused Q|K|V (shortformer: Q|K from lnOut + W_pos)
 *   pattern[l]  [B, n_heads, T, T]           attention pattern
 *   z[l]        [rows, n_heads·d_head]       hook_z
 *   finalIn, finalScale, finalOut            the same for ln_final; finalOut feeds the unembedding
 * </pre>
 */
final class Activations {
    final float[][] lnIn, lnScale, lnOut, qkv, pattern, z;
    float[] finalIn, finalScale, finalOut;

    Activations(int nLayers) {
        lnIn = new float[nLayers][];
        lnScale = new float[nLayers][];
        lnOut = new float[nLayers][];
        qkv = new float[nLayers][];
        pattern = new float[nLayers][];
        z = new float[nLayers][];
    }
}
