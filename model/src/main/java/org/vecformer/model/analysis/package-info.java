/**
 * Small double-precision helpers the analyses share: a softmax of a few float logit rows ({@link
 * org.vecformer.model.analysis.Probabilities}) and sample statistics ({@link org.vecformer.model.analysis.Statistics}).
 * The analyses themselves live with what they analyse ({@code model.circuits}, {@code model.patching}).
 */
package org.vecformer.model.analysis;
