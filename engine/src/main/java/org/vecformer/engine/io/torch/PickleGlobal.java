package org.vecformer.engine.io.torch;

/**
 * A global a checkpoint's pickle may name (GLOBAL/STACK_GLOBAL): one of the allowed functions and types
 * ({@link TorchFunction}) or a storage class ({@link StorageType}). Names outside these are refused as they
 * are read, so no other global ever reaches the unpickler's stack.
 */
sealed interface PickleGlobal permits TorchFunction, StorageType {
    /** The global as {@code module.name}. */
    String dotted();
}
