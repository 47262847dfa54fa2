package org.vecformer.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the CLI: exit code and what it printed. */
public record CliRun(int code, String out, String err) {
    public static CliRun of(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** {@code command}, then {@code fixed} (options a test class gives every run), then {@code args}. */
    public static CliRun of(String command, String[] fixed, String... args) {
        String[] all = new String[1 + fixed.length + args.length];
        all[0] = command;
        System.arraycopy(fixed, 0, all, 1, fixed.length);
        System.arraycopy(args, 0, all, 1 + fixed.length, args.length);
        return of(all);
    }
}
