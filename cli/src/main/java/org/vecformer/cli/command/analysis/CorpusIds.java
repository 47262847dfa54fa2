package org.vecformer.cli.command.analysis;

import java.io.IOException;
import java.nio.file.Path;
import org.vecformer.cli.command.TextFiles;
import org.vecformer.model.data.DataFileException;
import org.vecformer.model.data.TokenFile;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;

/**
 * The token ids of a corpus file given to an analysis command: its exact UTF-8 text encoded by the model's text
 * tokenizer (character or BPE), or, for a model without one, whitespace-separated ids as {@code train --task tokens}
 * reads them.
 */
final class CorpusIds {
    private CorpusIds() {}

    static int[] read(String option, Path file, Tokenizer tok) throws IOException {
        int[] ids;
        if (tok instanceof IdTokenizer) {
            try {
                ids = TokenFile.read(file).ids();
            } catch (DataFileException bad) {
                throw new IOException(option + " " + bad.getMessage() + " (the model has no text tokenizer, so the file must hold token ids)", bad);
            }
        } else {
            try {
                ids = tok.encode(TextFiles.readUtf8(file));
            } catch (IllegalArgumentException bad) {
                throw new IOException(option + " " + file + ": " + bad.getMessage(), bad);
            }
        }
        if (ids.length == 0) throw new IOException(option + " " + file + " holds no tokens");
        return ids;
    }
}
