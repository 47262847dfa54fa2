package org.vecformer.cli;

/** A usage error found while a command runs (a value that parses but cannot be used): exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
