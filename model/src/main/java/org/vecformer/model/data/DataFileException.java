package org.vecformer.model.data;

/** A data file that cannot be used; the message is one line naming the file, the line when known, and the problem. */
public final class DataFileException extends RuntimeException {
    public DataFileException(String source, int line, String problem) {
        super(source + (line > 0 ? ":" + line : "") + ": " + problem);
    }
}
