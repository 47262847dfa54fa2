package org.vecformer.cli.command.data;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.command.ThreadsOption;
import org.vecformer.cli.render.AtomicWrite;
import org.vecformer.model.data.Corpus;
import org.vecformer.model.tokenize.BpeTrainer;
import org.vecformer.model.tokenize.TrainedBpe;
import org.vecformer.model.tokenize.WordCounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vecformer tokenizer train}: a byte-level BPE ({@link BpeTrainer}: HF's merge rule) trained on the documents
 * of {@code --data} ({@link Corpus}: files, directories, .gz, .dz; binary and non-UTF-8 files skipped with one warning, a few stray bytes read as U+FFFD with another),
 * written as a Hugging Face {@code tokenizer.json}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a byte-level BPE on text and write it as a Hugging Face tokenizer.json (NFC, GPT-2 split, ByteLevel).",
                "Vocabulary: the specials (ids 0..), all 256 bytes, then one token per merge up to --vocab;",
                "merges as Hugging Face's trainer makes them (highest count, ties to the earliest tokens)."})
public final class TokenizerTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, arity = "1..*", paramLabel = "PATH",
            description = "Text files, directories (read recursively, in path order), .gz and .dz (dictzip) files.")
    List<Path> data;

    @Option(names = "--vocab", required = true, paramLabel = "N", description = "Tokens in the vocabulary, specials included (at least specials + 256).")
    int vocab;

    @Option(names = "--specials", split = ",", paramLabel = "TOKEN",
            description = "Special tokens, ids 0, 1, … in this order, comma-separated (default: <|PAD|>,<|BOS|>,<|EOS|>; --specials= for none).")
    List<String> specials;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "tokenizer.json to write.")
    Path out;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws IOException {
        int workers = threads.apply();
        List<String> chosen = specials == null ? BpeTrainer.DEFAULT_SPECIALS
                : specials.stream().filter(s -> !s.isEmpty()).toList();
        int floor = chosen.size() + 256;
        if (vocab < floor) {
            throw new UsageException("--vocab " + vocab + " is below the " + chosen.size() + " specials + 256 byte tokens; give at least " + floor);
        }
        OutputPaths.file("--out", out);
        long t0 = System.nanoTime();
        Corpus corpus = Corpus.scan(data);
        PrintWriter err = spec.commandLine().getErr();
        warnCorpus(err, corpus);
        WordCounts words = count(corpus, workers);
        long t1 = System.nanoTime();
        TrainedBpe trained = merge(words, vocab, chosen);
        long t2 = System.nanoTime();
        String json = trained.toJson();
        AtomicWrite.write(out, o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
        spec.commandLine().getOut().printf(
                "trained %,d tokens (%,d merges) on %,d documents: %,d words, %,d distinct; counted in %.1f s, merged in %.1f s; wrote %s%n",
                trained.vocabSize(), trained.merges().size(), corpus.documents().size(), words.total(), words.distinct(),
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, out);
        return 0;
    }

    /** The pre-tokenized words of every document of {@code corpus}, counted on {@code workers} threads. */
    public static WordCounts count(Corpus corpus, int workers) {
        return WordCounts.count(corpus.documents().stream().map(d -> (WordCounts.Source) d::open).toList(), workers);
    }

    /** {@link BpeTrainer#train} of {@code words} up to {@code vocab} tokens; an impossible vocabulary is a usage error. */
    public static TrainedBpe merge(WordCounts words, int vocab, List<String> specials) {
        try {
            return BpeTrainer.train(words, vocab, specials);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * One warning line for every file the corpus left out (how many, and the first with its reason), and one for
     * the stray bytes of the files it kept, read as U+FFFD (how many, in how many files, the first file).
     */
    public static void warnCorpus(PrintWriter err, Corpus corpus) {
        if (!corpus.skipped().isEmpty()) {
            Corpus.Skipped first = corpus.skipped().getFirst();
            err.printf("vecformer: warning: skipped %d file%s that %s not UTF-8 text (first: %s: %s)%n", corpus.skipped().size(),
                    corpus.skipped().size() == 1 ? "" : "s", corpus.skipped().size() == 1 ? "is" : "are", first.path(), first.reason());
        }
        List<Corpus.Document> damaged = corpus.documents().stream().filter(d -> d.malformed() > 0).toList();
        if (!damaged.isEmpty()) {
            err.printf("vecformer: warning: read %,d malformed UTF-8 byte sequence%s as U+FFFD, in %d file%s (first: %s)%n",
                    corpus.malformed(), corpus.malformed() == 1 ? "" : "s", damaged.size(), damaged.size() == 1 ? "" : "s",
                    damaged.getFirst().path());
        }
    }
}
