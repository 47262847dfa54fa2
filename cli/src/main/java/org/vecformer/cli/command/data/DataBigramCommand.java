package org.vecformer.cli.command.data;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.AtomicWrite;
import org.vecformer.model.data.BigramChain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vecformer data bigram}: a token file drawn from a seeded random bigram chain (one walk, for
 * {@code vecformer train --task tokens}) and, beside it, the chain's transition matrix (for {@code vecformer data kl}).
 * The chain is {@link BigramChain#random}{@code (vocab, temperature, seed)}; the walk is seeded with {@code ~seed}.
 */
@Command(name = "bigram", mixinStandardHelpOptions = true,
        description = {"Write a token file drawn from a seeded random bigram chain, and its true transition matrix beside it",
                "(FILE.txt -> FILE.transition.csv: line a holds P(next = b | a) for b = 0..V-1)."})
public final class DataBigramCommand implements Callable<Integer> {
    private static final int IDS_PER_LINE = 32;

    @Spec
    CommandSpec spec;

    @Option(names = "--vocab", paramLabel = "V", defaultValue = "40", description = "Tokens of the chain (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "200000", description = "Length of the walk (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", paramLabel = "X", defaultValue = "0.5",
            description = "Rows are softmax(z / X) of Gaussian z: small X peaked, large X flat (default: ${DEFAULT-VALUE}, as --task bigram).")
    double temperature;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the chain and the walk (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Token file to write (whitespace-separated ids).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (vocab < 1) throw new UsageException("--vocab must be >= 1, not " + vocab);
        if (tokens < 2) throw new UsageException("--tokens must be >= 2, not " + tokens);
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new UsageException("--temperature must be a finite number > 0, not " + temperature);
        OutputPaths.file("--out", out);
        Path file = out.toAbsolutePath();
        Path matrix = matrixBeside(file);
        if (Files.isDirectory(matrix)) throw new UsageException("--out " + out + " writes " + matrix + ", which is a directory");
        BigramChain chain = BigramChain.random(vocab, temperature, seed);
        int[] ids = chain.walk(tokens, ~seed);
        AtomicWrite.write(file, o -> {
            Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
            for (int i = 0; i < ids.length; i++) {
                w.write(Integer.toString(ids[i]));
                w.write(i % IDS_PER_LINE == IDS_PER_LINE - 1 || i == ids.length - 1 ? '\n' : ' ');
            }
            w.flush();
        });
        TransitionCsv.write(matrix, chain);
        spec.commandLine().getOut().printf("wrote %,d tokens over %d ids to %s and the transition matrix to %s%n", tokens, vocab, file, matrix);
        return 0;
    }

    /** FILE.txt (or FILE) -> FILE.transition.csv in the same directory. */
    static Path matrixBeside(Path tokenFile) {
        return tokenFile.resolveSibling(tokenFile.getFileName().toString().replaceFirst("\\.txt$", "") + ".transition.csv");
    }
}
