package org.vecformer.engine.io.torch;

/**
 * A PyTorch checkpoint that cannot be trusted or used; the message is one line naming the file and the
 * problem, usually {@code "<file>: <problem>"}.
 */
public final class TorchCheckpointException extends Exception {
    public TorchCheckpointException(String file, String problem) {
        super(file + ": " + problem);
    }

    private TorchCheckpointException(String line) {
        super(line);
    }

    /** The one line for a pre-1.6 (non-zip) file, which this reader does not parse. */
    static TorchCheckpointException legacy(String file) {
        return new TorchCheckpointException(file + " is a legacy (pre-1.6) PyTorch file: re-save it with"
                + " torch.save(torch.load(f), f2) in a current PyTorch");
    }
}
