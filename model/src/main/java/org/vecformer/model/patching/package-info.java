/**
 * Activation patching, path patching and attribution patching (the circuit-discovery tools of TransformerLens'
 * {@code patching} module, Wang et al.'s path patching, and Nanda's attribution patching) on a clean and a corrupted
 * prompt of the same length, scored by a {@link org.vecformer.model.patching.Metric} at the last position.
 * {@link org.vecformer.model.patching.PatchRuns} holds the two runs' caches; {@link
 * org.vecformer.model.patching.ActivationPatching} copies one activation from the clean run into the corrupted one and
 * resumes the forward at the patched layer; {@link org.vecformer.model.patching.PathPatching} restricts a sender head's
 * effect to chosen receiver inputs; {@link org.vecformer.model.patching.AttributionPatching} estimates every patch to
 * first order from one backward pass.
 */
package org.vecformer.model.patching;
