package org.vecformer.model.transformer;

import java.util.Optional;

/**
 * The one parser and printer of TransformerLens' dotted names for {@link ParamName} and {@link HookName}: a
 * model-level name is its path ({@code embed.W_E}, {@code hook_embed}), a block's is {@code blocks.{l}.} + its path
 * ({@code blocks.0.attn.W_Q}, {@code blocks.0.attn.hook_pattern}).
 */
public record BlockPath(int layer, String path) {
    private static final String BLOCKS = "blocks.";

    /** {@code layer} -1 for a model-level name. */
    public static String print(int layer, String path) {
        return layer < 0 ? path : BLOCKS + layer + "." + path;
    }

    /**
     * Splits a name into its layer (-1 when model-level) and its path within the block; a layer written with more than
     * nine digits (beyond any model, and maybe any int) or with a leading zero is kept as a model-level path, which then
     * names nothing.
     */
    public static BlockPath parse(String name) {
        if (!name.startsWith(BLOCKS)) return new BlockPath(-1, name);
        int dot = name.indexOf('.', BLOCKS.length());
        String digits = dot < 0 ? "" : name.substring(BLOCKS.length(), dot);
        if (digits.isEmpty() || digits.length() > 9 || (digits.length() > 1 && digits.charAt(0) == '0')
                || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return new BlockPath(-1, name);
        }
        return new BlockPath(Integer.parseInt(digits), name.substring(dot + 1));
    }

    /** A kind of name ({@link ParamName.Param}, {@link HookName.Hook}): its path, and whether every block has one. */
    public interface Kind {
        String path();

        boolean perBlock();
    }

    /** The kind among {@code kinds} this path names: same path, per block exactly when it has a layer. */
    static <K extends Kind> Optional<K> find(K[] kinds, BlockPath bp) {
        for (K k : kinds) {
            if (k.path().equals(bp.path()) && k.perBlock() == bp.layer() >= 0) return Optional.of(k);
        }
        return Optional.empty();
    }

    /** Rejects a layer a kind cannot have: a block index for a model-level name, none (-1) for a block's. */
    static void checkLayer(Kind k, int layer) {
        if (k.perBlock() != layer >= 0) {
            throw new IllegalArgumentException(k.path() + (k.perBlock() ? " needs a block index" : " is not a block's") + ", not layer " + layer);
        }
    }
}
