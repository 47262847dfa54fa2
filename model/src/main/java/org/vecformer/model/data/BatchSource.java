package org.vecformer.model.data;

/** A deterministic stream of batches: the same construction and seed give the same batches in the same order. */
public interface BatchSource {
    int dVocab();

    int nCtx();

    /** The next {@code size} sequences of nCtx+1 tokens. */
    Batch next(int size);
}
