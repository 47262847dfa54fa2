package org.vecformer.cli.render;

/** HTML text escaping. */
final class Html {
    private Html() {}

    /** The text with {@code & < > " '} replaced by character references: safe in element content and attributes. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * JSON text made safe inside a {@code <script>} element: {@code < > &} become {@code \u003c \u003e \u0026}. These
     * characters occur in JSON only inside strings, where the escapes decode to the same characters.
     */
    static String scriptSafeJson(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
