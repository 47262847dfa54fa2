package org.vecformer.cli.command.bench;

import java.io.PrintWriter;
import java.util.function.Consumer;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code vecformer bench …} command shares around its measurement, a picocli mixin: the {@code --json}
 * option and the choice between its JSON (the fields {@code bench/compare/report.py} reads) and its text, the checks of
 * its counts and warm-up, and the rounding of its figures.
 */
public final class BenchOutput {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--json", description = "Print the figures as JSON (an object, or an array with a row per size) instead of text.")
    boolean json;

    /** A count option (sizes, runs, heads, …) must be at least 1. */
    static void atLeastOne(String option, long value) {
        if (value < 1) throw new UsageException(option + " must be >= 1, not " + value);
    }

    /** {@code --warmup MS} must not be negative. */
    static void warmup(long millis) {
        if (millis < 0) throw new UsageException("--warmup must be >= 0 milliseconds, not " + millis);
    }

    /** {@code v} to three decimals, as the JSON shows times, speedups and rates. */
    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Milliseconds of {@code seconds}, to the microsecond. */
    static double ms(double seconds) {
        return Math.round(seconds * 1e6) / 1e3;
    }

    /** Where progress goes: the command's standard error. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code data} as one line of JSON with --json, else the command's text. */
    void print(Object data, Consumer<PrintWriter> text) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(Json.write(data));
        else text.accept(out);
    }
}
