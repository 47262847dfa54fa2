package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every JShell script in {@code examples/} the way {@code examples/jshell} does, snippet by snippet, in this JVM
 * (JShell's local execution engine, with this test's classpath), and fails on a snippet that does not compile or
 * throws: the examples are the documentation of the Java API, so a change that breaks them fails the build.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    static Stream<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<Path> jsh = files.filter(p -> p.toString().endsWith(".jsh")).sorted().toList();
            assertFalse(jsh.isEmpty(), "no scripts in " + EXAMPLES.toAbsolutePath());
            return jsh.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void scriptRunsWithoutErrors(Path script) throws IOException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (JShell shell = JShell.builder().executionEngine("local")
                .out(new PrintStream(printed, true, StandardCharsets.UTF_8)).err(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .compilerOptions("--add-modules", "jdk.incubator.vector").build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            String rest = Files.readString(script);
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
                String source = info.source() != null ? info.source() : rest;
                rest = info.remaining();
                if (source.strip().startsWith("/exit")) break;
                for (SnippetEvent e : shell.eval(source)) {
                    if (e.status() == Snippet.Status.REJECTED) {
                        String why = shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).reduce("", (a, b) -> a + b);
                        fail(script + ": does not compile: " + source.strip() + "\n" + why + "\n" + printed);
                    }
                    if (e.exception() != null) fail(script + ": " + source.strip() + " threw " + e.exception() + "\n" + printed);
                }
            }
        }
        System.out.print(printed.toString(StandardCharsets.UTF_8));
    }
}
