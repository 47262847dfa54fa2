package org.vecformer.model.transformer;

import org.vecformer.engine.tensor.Tensor;

/**
 * Parameters of one attention-only block (TransformerLens {@code blocks.{l}}). Absent parameters are
 * {@code null}: {@code ln1W}/{@code ln1B} without "LN", every bias when {@link Config#biases()} is false.
 * <pre>
 *   ln1W, ln1B     [d_model]
 *   wQ, wK, wV     [n_heads, d_model, d_head]
 *   bQ, bK, bV     [n_heads, d_head]
 *   wO             [n_heads, d_head, d_model]
 *   bO             [d_model]
 * </pre>
 */
public record Block(Tensor ln1W, Tensor ln1B, Tensor wQ, Tensor wK, Tensor wV,
                    Tensor bQ, Tensor bK, Tensor bV, Tensor wO, Tensor bO) {}
