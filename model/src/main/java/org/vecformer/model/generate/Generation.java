package org.vecformer.model.generate;

/** The tokens generated after a prompt and why generation stopped. */
public record Generation(int[] tokens, Stop stop, int nCtx) {
    /** Why generation ended. */
    public enum Stop {
        /** As many tokens as asked for. */
        MAX_TOKENS,
        /** Prompt plus generated tokens fill the model's context (n_ctx). */
        CONTEXT_FULL
    }

    /** A one-line description of why generation stopped. */
    public String message() {
        return switch (stop) {
            case MAX_TOKENS -> "generated " + tokens.length + " tokens";
            case CONTEXT_FULL -> "stopped after " + tokens.length + " tokens: the context is full (n_ctx = " + nCtx + ")";
        };
    }
}
