package org.vecformer.cli.command;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.Tokenizer;

/** Reading the text and tokenizer files that commands take: exact contents, strict UTF-8, one-line errors. */
public final class TextFiles {
    private TextFiles() {}

    /** The file's exact contents (trailing newlines kept); invalid UTF-8 is an error naming the first bad byte. */
    public static String readUtf8(Path path) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such file");
        } catch (IOException e) {
            throw new IOException(path + " cannot be read: " + e.getMessage());
        }
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return strict.decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position();
            throw new IOException(path + " is not valid UTF-8 (byte 0x" + String.format("%02X", bytes[Math.min(at, bytes.length - 1)] & 0xFF)
                    + " at offset " + at + "); convert it to UTF-8 first");
        }
    }

    /** A Hugging Face {@code tokenizer.json} (byte-level BPE); what it has that is not supported is an error naming it. */
    public static BpeTokenizer readTokenizer(Path path) throws IOException {
        if (readAnyTokenizer(path) instanceof BpeTokenizer bpe) return bpe;
        throw new IOException(path + " is a character tokenizer, not a Hugging Face tokenizer.json");
    }

    /** A tokenizer file: a Hugging Face {@code tokenizer.json} or vecformer's {@code {"type":"char",…}}. */
    public static Tokenizer readAnyTokenizer(Path path) throws IOException {
        String json = readUtf8(path);
        try {
            return Tokenizer.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage());
        }
    }
}
