package org.vecformer.cli.command.train;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.command.TextFiles;
import org.vecformer.cli.command.ThreadsOption;
import org.vecformer.cli.command.Words;
import org.vecformer.cli.command.data.TokenizerTrainCommand;
import org.vecformer.model.data.Batch;
import org.vecformer.model.data.BatchSource;
import org.vecformer.model.data.BigramTask;
import org.vecformer.model.data.InductionTask;
import org.vecformer.model.data.SkipTrigramTask;
import org.vecformer.model.data.Corpus;
import org.vecformer.model.data.TextCorpus;
import org.vecformer.model.data.TokenCache;
import org.vecformer.model.data.TokenFile;
import org.vecformer.model.data.TokenStream;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.tokenize.Tokenizer;

/**
 * What {@code vecformer train} learns from: a task name, its data (empty for a synthetic task; one token file; one
 * text file, or with a BPE {@code tokenizer} any number of files, directories, .gz and .dz files forming one
 * {@link Corpus}), vocabulary, context and seed. Stored as JSON in the checkpoint ({@link #KEY}) so {@code --resume}
 * rebuilds the same data streams.
 */
record TrainTask(String name, List<Path> data, Path tokenizer, int dVocab, int nCtx, long seed) {
    static final String KEY = "task";
    static final List<String> NAMES = List.of("bigram", "skip-trigram", "induction", "tokens", "text");

    /** @throws IllegalArgumentException several paths for a task that reads one file (token ids, character text) */
    TrainTask {
        data = List.copyOf(data);
        if (data.size() > 1 && tokenizer == null) throw new IllegalArgumentException(onePath(name, data.size()));
    }

    /** Why a token file or character text refuses {@code n} paths: they are read as one file. */
    static String onePath(String task, int n) {
        return "--task " + task + (task.equals("tokens") ? " reads one token file" : " without --tokenizer reads one text file")
                + ", not " + n + " paths; join them into one file" + (task.equals("tokens") ? "" : ", or give --tokenizer (BPE text takes several)");
    }

    /**
     * The data of a task: training stream, fixed held-out batch, for text its tokenizer (characters or the BPE), and
     * for a token file the number of distinct ids it uses (0 otherwise).
     */
    record Data(BatchSource train, Batch heldOut, Optional<Tokenizer> tokenizer, int distinctIds) {}

    /**
     * Where tokenized corpora are cached: {@code -Dvecformer.cache}, else {@code $VECFORMER_CACHE}, else
     * {@code $XDG_CACHE_HOME/vecformer}, else {@code ~/.cache/vecformer}.
     */
    static Path cacheDir() {
        String dir = System.getProperty("vecformer.cache");
        if (dir == null) dir = System.getenv("VECFORMER_CACHE");
        if (dir != null && !dir.isEmpty()) return Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("vecformer");
    }

    /** Layers a task needs by default: bigram 0, skip-trigram 1, induction and file data 2. */
    static int defaultLayers(String task) {
        return switch (task) {
            case "bigram" -> 0;
            case "skip-trigram" -> 1;
            default -> 2;
        };
    }

    /**
     * Default steps: bigram 300, skip-trigram 600, induction 800 (at lr 2e-3 the default 2-layer model has a
     * previous-token head and induction heads with score ~0.7 by then), file data 1000.
     */
    static int defaultSteps(String task) {
        return switch (task) {
            case "bigram" -> 300;
            case "skip-trigram" -> 600;
            case "induction" -> 800;
            default -> 1000;
        };
    }

    /** Default vocabulary of a synthetic task (file data: from the file). */
    static int defaultVocab(String task) {
        return switch (task) {
            case "bigram" -> 16;
            case "skip-trigram" -> 32;
            default -> 64;
        };
    }

    /** {@link #open(int, PrintWriter)} with nothing to say. */
    Data open(int evalSize) throws IOException {
        return open(evalSize, new PrintWriter(Writer.nullWriter()));
    }

    /**
     * Builds the data; {@code evalSize} held-out sequences come from a seed stream the training never draws. BPE text
     * goes through the {@link TokenCache} (built on first use, which {@code err} hears about, as about skipped files).
     */
    Data open(int evalSize, PrintWriter err) throws IOException {
        return switch (name) {
            case "bigram" -> {
                BigramTask t = BigramTask.random(dVocab, nCtx, 0.5, seed);
                yield new Data(t, t.heldOut().next(evalSize), Optional.empty(), 0);
            }
            case "skip-trigram" -> {
                SkipTrigramTask t = SkipTrigramTask.random(dVocab, nCtx, Math.max(1, (dVocab - 2) / 10), 2, seed);
                yield new Data(t, t.heldOut().next(evalSize), Optional.empty(), 0);
            }
            case "induction" -> {
                InductionTask t = new InductionTask(dVocab, nCtx, seed);
                yield new Data(t, t.heldOut().next(evalSize), Optional.empty(), 0);
            }
            case "tokens" -> files(TokenFile.read(data.getFirst(), dVocab), evalSize, Optional.empty());
            case "text" -> {
                if (tokenizer != null) yield bpe(evalSize, err);
                TextCorpus corpus = TextCorpus.read(data.getFirst(), dVocab > 0 ? dVocab : Integer.MAX_VALUE);
                yield files(corpus.stream(), evalSize, Optional.of(corpus.tokenizer()));
            }
            default -> throw new UsageException("--task must be one of " + String.join(", ", NAMES) + ", not '" + name + "'");
        };
    }

    private Data bpe(int evalSize, PrintWriter err) throws IOException {
        BpeTokenizer bpe = TextFiles.readTokenizer(tokenizer);
        TokenCache cache = cache(bpe, err);
        return new Data(cache.training(nCtx, seed), cache.heldOut(nCtx, seed + 1).next(evalSize), Optional.of(bpe), 0);
    }

    /** The {@link TokenCache} of the BPE text corpus of all {@code data} paths under {@code bpe}, built on first use (which {@code err} hears about). */
    TokenCache cache(BpeTokenizer bpe, PrintWriter err) throws IOException {
        Corpus corpus = Corpus.scan(data);
        TokenizerTrainCommand.warnCorpus(err, corpus);
        return cache(corpus, bpe, err);
    }

    /** As {@link #cache(BpeTokenizer, PrintWriter)} for {@code corpus}, the scan of {@code data} already made and warned about. */
    TokenCache cache(Corpus corpus, BpeTokenizer bpe, PrintWriter err) throws IOException {
        Path cacheDir = cacheDir();
        if (!Files.isRegularFile(TokenCache.fileFor(corpus, bpe, cacheDir))) {
            err.printf("tokenizing %s (%.1f MB on disk) once, into the cache %s%n", Words.plural(corpus.documents().size(), "document"), corpus.bytesOnDisk() / 1e6, cacheDir);
        }
        long[] last = {System.nanoTime()};
        return TokenCache.open(corpus, bpe, cacheDir, ThreadsOption.inForce(), done -> {
            long now = System.nanoTime();
            if (now - last[0] > 5_000_000_000L) {
                err.printf("  %,d of %,d documents tokenized%n", done, corpus.documents().size());
                last[0] = now;
            }
        });
    }

    private Data files(TokenStream stream, int evalSize, Optional<Tokenizer> chars) {
        TokenStream heldOut = stream.heldOut();
        if (heldOut.ids().length < nCtx + 1) {
            throw new UsageException(data.getFirst() + ": the held-out last 10% has " + heldOut.ids().length + " tokens, fewer than n_ctx+1 = "
                    + (nCtx + 1) + "; use a longer file or a smaller --ctx");
        }
        int distinct = (int) IntStream.of(stream.ids()).distinct().count();
        return new Data(stream.training().windows(nCtx, seed), heldOut.windows(nCtx, seed + 1).next(evalSize), chars, distinct);
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", name);
        m.put("data", data.stream().map(Path::toString).toList());
        m.put("tokenizer", tokenizer == null ? null : tokenizer.toString());
        m.put("d_vocab", dVocab);
        m.put("n_ctx", nCtx);
        m.put("seed", Long.toString(seed));
        try {
            return JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The task of {@link #toJson}; "data" may also be what checkpoints written before several paths were allowed
     * hold: one path as a string, or null for a synthetic task.
     */
    static TrainTask fromJson(String json) {
        try {
            Map<String, Object> m = JSON.std.mapFrom(json);
            Object tokenizer = m.get("tokenizer");
            List<Path> data = switch (m.get("data")) {
                case null -> List.of();
                case String one -> List.of(Path.of(one));
                case List<?> many -> many.stream().map(p -> Path.of((String) p)).toList();
                default -> throw new IllegalArgumentException("data is neither a path nor a list of paths");
            };
            return new TrainTask((String) m.get("task"), data,
                    tokenizer == null ? null : Path.of((String) tokenizer),
                    ((Number) m.get("d_vocab")).intValue(), ((Number) m.get("n_ctx")).intValue(), Long.parseLong((String) m.get("seed")));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the checkpoint's task metadata is unreadable: " + json);
        }
    }
}
