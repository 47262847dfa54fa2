/**
 * Training and evaluation data as deterministic {@link org.vecformer.model.data.BatchSource}s of
 * [batch, n_ctx+1] token rows. Synthetic tasks with ground truth: {@code bigram}
 * ({@link org.vecformer.model.data.BigramChain}, {@link org.vecformer.model.data.BigramTask}), {@code skip-trigram}
 * ({@link org.vecformer.model.data.SkipTrigrams}, {@link org.vecformer.model.data.SkipTrigramTask}) and
 * {@code induction} ({@link org.vecformer.model.data.InductionTask}, evaluation on
 * {@link org.vecformer.model.data.RepeatedTokens}); their {@code heldOut()} samples the same structure from another
 * seed stream. File data: {@code tokens} ({@link org.vecformer.model.data.TokenFile}) and {@code text}
 * ({@link org.vecformer.model.data.TextCorpus}), held out as the last 10% ({@link org.vecformer.model.data.TokenStream#heldOut()}).
 * Real text: {@link org.vecformer.model.data.Corpus} (documents under files, directories, .gz, .dz) tokenized once by a
 * BPE into a memory-mapped {@link org.vecformer.model.data.TokenCache} (the last 1% held out).
 * Unusable files raise {@link org.vecformer.model.data.DataFileException} with a one-line message.
 */
package org.vecformer.model.data;
