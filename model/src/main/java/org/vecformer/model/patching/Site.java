package org.vecformer.model.patching;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.vecformer.model.transformer.HookName;
import org.vecformer.model.transformer.HookName.Hook;

/**
 * A kind of activation to patch, by its TransformerLens hook point in block l. Residual sites ({@code resid_pre},
 * {@code attn_out}, [batch, pos, d_model]) are patched one position at a time; head sites one head at a time at
 * every position, or (per position) at one position: {@code z|q|k|v} [batch, pos, head_index, d_head] at that
 * position, {@code pattern} [batch, head_index, query_pos, key_pos] in that query's row.
 */
public enum Site {
    RESID_PRE(Hook.RESID_PRE),
    ATTN_OUT(Hook.ATTN_OUT),
    Z(Hook.Z),
    PATTERN(Hook.PATTERN),
    V(Hook.V),
    Q(Hook.Q),
    K(Hook.K);

    private final Hook hook;

    Site(Hook hook) {
        this.hook = hook;
    }

    /** The hook point this site patches. */
    public Hook hook() {
        return hook;
    }

    /** The name of this site's hook point in block {@code layer}. */
    public String hookName(int layer) {
        return HookName.of(hook, layer).tl();
    }

    /** True for the per-head sites (z, pattern, q, k, v). */
    public boolean perHead() {
        return this != RESID_PRE && this != ATTN_OUT;
    }

    /** The command-line spelling: resid_pre, attn_out, z, pattern, v, q, k. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The site spelled {@code label}; one line listing the known sites otherwise. */
    public static Site parse(String label) {
        for (Site s : values()) if (s.label().equals(label.trim())) return s;
        throw new IllegalArgumentException("unknown patching site '" + label.trim() + "': choose from "
                + Arrays.stream(values()).map(Site::label).collect(Collectors.joining(", ")));
    }
}
