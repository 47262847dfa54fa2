package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Parameter and hook names are spelled in one place: no string literal in the model's production sources outside
 * {@link ParamName}, {@link HookName} and {@link BlockPath} looks like a piece of a TransformerLens name
 * ({@code "blocks."}, {@code "hook_…"}, {@code "attn.…"}, {@code "embed.W_E"}, {@code "….W_Q"}, {@code "ln1.w"}, …).
 * Comments are skipped; prose in messages ("W_pos enters Q and K") does not match because the patterns need the dotted
 * or {@code hook_} forms.
 */
class NameLiteralsTest {
    private static final Set<String> SOURCES_OF_TRUTH = Set.of("ParamName.java", "HookName.java", "BlockPath.java");
    private static final Pattern NAME_PIECE = Pattern.compile(
            "blocks\\.|(^|[^A-Za-z])hook_[a-z]|(^|[^A-Za-z])(attn|mlp|ln1|ln2|ln_final|embed|pos_embed|unembed)\\.|\\.(W|b)_[A-Za-z]+|^\\.?[wb]$");

    @Test
    void noProductionSourceSpellsAName() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (SOURCES_OF_TRUTH.contains(f.getFileName().toString())) continue;
                for (String literal : stringLiterals(Files.readString(f))) {
                    if (NAME_PIECE.matcher(literal).find()) offenders.add(root.relativize(f) + ": \"" + literal + "\"");
                }
            }
        }
        assertEquals(List.of(), offenders, "spell these through ParamName / HookName");
    }

    @Test
    void theScannerFindsLiteralsAndSkipsComments() {
        String src = "// \"blocks.0\"\n/* \"hook_z\" */ String a = \"embed.W_E\" + 'x' + \"a\\\"b\"; /** \"c\" */ String t = \"\"\"\n  attn.W_Q\"\"\";";
        assertEquals(List.of("embed.W_E", "a\\\"b", "\n  attn.W_Q"), stringLiterals(src));
        assertEquals(List.of("embed.W_E", "\n  attn.W_Q"),
                stringLiterals(src).stream().filter(s -> NAME_PIECE.matcher(s).find()).toList());
    }

    /** The contents of the string literals and text blocks of Java source {@code src}, comments and char literals skipped. */
    static List<String> stringLiterals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0, n = src.length();
        while (i < n) {
            char ch = src.charAt(i);
            if (src.startsWith("//", i)) {
                i = src.indexOf('\n', i);
                if (i < 0) break;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                out.add(src.substring(i + 3, end));
                i = end + 3;
            } else if (ch == '"' || ch == '\'') {
                int j = i + 1;
                while (src.charAt(j) != ch) j += src.charAt(j) == '\\' ? 2 : 1;
                if (ch == '"') out.add(src.substring(i + 1, j));
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
