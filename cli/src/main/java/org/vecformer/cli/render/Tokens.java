package org.vecformer.cli.render;

/** Token strings made visible for display: whitespace and control characters become printable symbols. */
public final class Tokens {
    private Tokens() {}

    /**
     * The token with space as '␣', newline as '⏎', tab as '⇥', other control characters as their Unicode control
     * pictures (U+2400 + c, DEL as '␡'), and the empty token as '∅'.
     */
    public static String visible(String token) {
        if (token.isEmpty()) {
            return "∅";
        }
        StringBuilder out = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            out.append(switch (c) {
                case ' ' -> '␣';
                case '\n' -> '⏎';
                case '\t' -> '⇥';
                case 0x7f -> '␡';
                default -> c < 0x20 ? (char) (0x2400 + c) : c;
            });
        }
        return out.toString();
    }
}
