package org.vecformer.cli.command;

import java.util.Locale;

/** Counts and durations as the commands print them in their one-line summaries. */
public final class Words {
    private Words() {}

    /** "1 head", "4 heads", "1,183 documents". */
    public static String plural(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    /** Seconds rounded to whole seconds: "42s", "3m07s". */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : s / 60 + "m" + String.format("%02d", s % 60) + "s";
    }
}
