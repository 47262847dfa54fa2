package org.vecformer.model.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Data {@code text --data FILE}: character-level UTF-8 text. The vocabulary is the sorted set of characters
 * (Unicode code points) of the file; {@code chars.get(id)} is the character of id, the list to store as the
 * model's tokenizer, and {@code stream} is the text as ids.
 */
public record TextCorpus(List<String> chars, TokenStream stream) {
    /** Reads and tokenizes a whole file; it must be valid UTF-8 and not empty. */
    public static TextCorpus read(Path file) {
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
        int[] points = text.codePoints().toArray();
        int[] alphabet = Arrays.stream(points).distinct().sorted().toArray();
        int[] ids = new int[points.length];
        for (int i = 0; i < points.length; i++) ids[i] = Arrays.binarySearch(alphabet, points[i]);
        List<String> chars = Arrays.stream(alphabet).mapToObj(Character::toString).toList();
        return new TextCorpus(chars, new TokenStream(file.toString(), ids, alphabet.length));
    }
}
