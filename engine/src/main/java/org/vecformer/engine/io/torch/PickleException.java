package org.vecformer.engine.io.torch;

/** A refused or broken pickle; {@link SafeUnpickler} adds the byte offset and the file to the problem. */
final class PickleException extends Exception {
    PickleException(String problem) {
        super(problem);
    }
}
