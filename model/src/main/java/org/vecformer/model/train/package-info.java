/**
 * Training: the loop {@link org.vecformer.model.train.Trainer} (micro-batches, gradient accumulation, clipping,
 * AdamW, schedule, held-out evaluation) over the hand-written backward
 * {@link org.vecformer.model.transformer.Backward}, with its pieces {@link org.vecformer.model.train.AdamW}
 * (decoupled weight decay on rank &gt;= 2 parameters, exportable state), {@link org.vecformer.model.train.GradClip}
 * (global L2 norm in a fixed order), {@link org.vecformer.model.train.WarmupCosine} (learning-rate schedule),
 * {@link org.vecformer.model.train.Checkpoint} (one safetensors file to resume from bit-exactly) and
 * {@link org.vecformer.model.train.LossCurve} (CSV). All work on name → tensor maps in a fixed (insertion) order.
 * One step: zero the gradients, forward, cross-entropy, backward (every backward kernel adds into its gradients),
 * clip, {@code adam.step(grads, schedule.lr(step))}.
 */
package org.vecformer.model.train;
