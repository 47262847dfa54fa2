package org.vecformer.model.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The documents of a text corpus given as paths: a file is one document; a directory gives every regular file
 * under it (recursively, hidden names starting with '.' left out), in the order of their path strings; a name
 * ending in {@code .gz}, or in {@code .dz} (dictd's dictzip, gzip with an index of its blocks, as in
 * {@code /usr/share/dictd/*.dict.dz}), is read through gzip. A file is skipped, with its reason, when it holds a
 * NUL byte (binary), is empty, or is not UTF-8: more than one malformed byte sequence per {@link #BYTES_PER_STRAY}
 * bytes (a Latin-1 text has one every few dozen). Fewer, as in dict-gcide's 40 MB dictionary with three
 * Windows-1252 bytes in it, make a text with a few damaged characters: it is read with U+FFFD in their place
 * and {@link Document#malformed()} counts them. Every other document is read with strict UTF-8 decoding.
 */
public record Corpus(List<Document> documents, List<Skipped> skipped) {
    /** Fewest bytes per malformed UTF-8 sequence for a file to count as UTF-8 text with a few damaged characters. */
    public static final long BYTES_PER_STRAY = 100_000;

    /**
     * One document: its path, size in bytes on disk, modification time in ms (for the cache key) and the number
     * of malformed UTF-8 sequences in it, each read as U+FFFD.
     */
    public record Document(Path path, long size, long modified, long malformed) {
        boolean gzip() {
            String name = path.getFileName().toString();
            return name.endsWith(".gz") || name.endsWith(".dz");
        }

        /** Its bytes (decompressed when gzip). */
        public InputStream bytes() throws IOException {
            InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            return gzip() ? new GZIPInputStream(in, 1 << 16) : in;
        }

        /**
         * Its text: strict UTF-8 (a malformed byte is an IOException), or U+FFFD for each malformed sequence when
         * the scan found a few.
         */
        public Reader open() throws IOException {
            CodingErrorAction bad = malformed == 0 ? CodingErrorAction.REPORT : CodingErrorAction.REPLACE;
            return new InputStreamReader(bytes(), StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(bad).onUnmappableCharacter(bad));
        }

        /** Its whole text. */
        public String read() throws IOException {
            try (Reader r = open()) {
                StringBuilder sb = new StringBuilder();
                char[] buf = new char[1 << 16];
                for (int n; (n = r.read(buf)) > 0; ) sb.append(buf, 0, n);
                return sb.toString();
            }
        }
    }

    /** A file left out, and why ("binary (NUL byte at offset 12)", "not UTF-8 (…)", "empty"). */
    public record Skipped(Path path, String reason) {}

    public Corpus {
        documents = List.copyOf(documents);
        skipped = List.copyOf(skipped);
    }

    /**
     * Lists and checks the documents under {@code paths} (each file read once through).
     *
     * @throws DataFileException a path that does not exist, or no usable document at all
     */
    public static Corpus scan(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> Files.isRegularFile(f) && !hidden(p, f)).map(Path::toString).sorted()
                            .forEach(f -> files.add(Path.of(f)));
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw new DataFileException(p.toString(), 0, "cannot be listed: " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new DataFileException(p.toString(), 0, Files.exists(p) ? "is not a file or directory" : "does not exist");
            }
        }
        List<Document> docs = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path f : files) {
            Document d;
            try {
                d = new Document(f, Files.size(f), Files.getLastModifiedTime(f).toMillis(), 0);
            } catch (IOException e) {
                throw new DataFileException(f.toString(), 0, "cannot be read: " + e.getMessage());
            }
            switch (check(d)) {
                case Text t -> docs.add(new Document(f, d.size(), d.modified(), t.malformed()));
                case NotText n -> skipped.add(new Skipped(f, n.reason()));
            }
        }
        if (docs.isEmpty()) {
            String why = skipped.isEmpty() ? "no files"
                    : (skipped.size() == 1 ? "1 file, not" : skipped.size() + " files, none of them") + " UTF-8 text ("
                    + skipped.getFirst().path() + ": " + skipped.getFirst().reason() + ")";
            throw new DataFileException(String.join(" ", paths.stream().map(Path::toString).toList()), 0,
                    "the corpus is empty: " + why + "; give UTF-8 text files or directories holding them");
        }
        return new Corpus(docs, skipped);
    }

    /**
     * A SHA-256 (hex) over every document's path, size and modification time: equal keys mean the same files,
     * unchanged (as far as size and mtime tell).
     */
    public String key() {
        MessageDigest sha = Sha256.digest();
        for (Document d : documents) {
            sha.update((d.path().toAbsolutePath() + "\t" + d.size() + "\t" + d.modified() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(sha.digest());
    }

    /** Malformed UTF-8 sequences read as U+FFFD, over all documents. */
    public long malformed() {
        return documents.stream().mapToLong(Document::malformed).sum();
    }

    /** Total size on disk of the documents (compressed size for .gz and .dz). */
    public long bytesOnDisk() {
        return documents.stream().mapToLong(Document::size).sum();
    }

    private static boolean hidden(Path root, Path f) {
        for (Path part : root.relativize(f)) {
            if (part.toString().startsWith(".")) return true;
        }
        return false;
    }

    /** What a scan found in a file. */
    private sealed interface Scan permits Text, NotText {}

    /** UTF-8 text, with this many malformed sequences (at most one per {@link #BYTES_PER_STRAY} bytes). */
    private record Text(long malformed) implements Scan {}

    /** Not a document, and why. */
    private record NotText(String reason) implements Scan {}

    /** Reads the document once through: NUL bytes, emptiness, and its malformed UTF-8 sequences counted. */
    private static Scan check(Document d) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] chunk = new byte[1 << 16];
        ByteBuffer in = ByteBuffer.allocate(chunk.length + 8);
        CharBuffer out = CharBuffer.allocate(chunk.length + 8);
        long total = 0, malformed = 0, firstBad = -1;
        try (InputStream s = d.bytes()) {
            for (int n; (n = s.read(chunk)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == 0) return new NotText("binary (NUL byte at offset " + (total + i) + ")");
                }
                total += n;
                in.put(chunk, 0, n).flip();
                for (CoderResult r; (r = utf8.decode(in, out, false)).isError() || r.isOverflow(); out.clear()) {
                    if (r.isError()) {
                        if (malformed++ == 0) firstBad = total - in.remaining();
                        in.position(in.position() + r.length());
                    }
                }
                out.clear();
                in.compact();
            }
            in.flip();
            if (total == 0) return new NotText("empty");
            if (utf8.decode(in, out, true).isError() || utf8.flush(out).isError()) {
                if (malformed++ == 0) firstBad = total - in.remaining();
            }
        } catch (IOException e) {
            return new NotText("unreadable (" + e.getMessage() + ")");
        }
        if (malformed > total / BYTES_PER_STRAY) {
            return new NotText("not UTF-8 (" + malformed + " malformed byte sequence" + (malformed == 1 ? "" : "s")
                    + " in " + total + " bytes, the first at offset " + firstBad + ")");
        }
        return new Text(malformed);
    }
}
