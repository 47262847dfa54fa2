package org.vecformer.model.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vecformer.model.tokenize.CharTokenizer;

/**
 * Data {@code text --data FILE}: character-level UTF-8 text. The vocabulary is the sorted set of characters
 * (Unicode code points) of the file, or with a cap its most frequent ones and an unknown id
 * ({@link CharTokenizer#fromText(String, int)}); {@code tokenizer} is what to store as the model's tokenizer, and
 * {@code stream} is the text as ids.
 */
public record TextCorpus(CharTokenizer tokenizer, TokenStream stream) {
    /** Reads and tokenizes a whole file; it must be valid UTF-8 and not empty. */
    public static TextCorpus read(Path file) {
        return read(file, Integer.MAX_VALUE);
    }

    /** {@link #read(Path)} with at most {@code maxVocab} tokens ({@link CharTokenizer#fromText(String, int)}). */
    public static TextCorpus read(Path file, int maxVocab) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DataFileException(file.toString(), 0, "is not valid UTF-8 text");
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot be read: " + e.getMessage());
        }
        if (text.isEmpty()) throw new DataFileException(file.toString(), 0, "is empty");
        CharTokenizer tokenizer = CharTokenizer.fromText(text, maxVocab);
        return new TextCorpus(tokenizer, new TokenStream(file.toString(), tokenizer.encode(text), tokenizer.vocabSize()));
    }

    /** The character of each id. */
    public List<String> chars() {
        return tokenizer.vocab();
    }
}
