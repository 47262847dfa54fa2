/**
 * Training pieces that do not depend on the model's forward code: {@link org.vecformer.model.train.AdamW}
 * (decoupled weight decay on rank &gt;= 2 parameters, exportable state), {@link org.vecformer.model.train.GradClip}
 * (global L2 norm in a fixed order) and {@link org.vecformer.model.train.WarmupCosine} (learning-rate schedule).
 * All work on name → tensor maps in a fixed (insertion) order. One step of the loop: zero the gradients, forward,
 * cross-entropy, backward (every backward kernel adds into its gradients), clip, {@code adam.step(grads, schedule.lr(step))}.
 */
package org.vecformer.model.train;
