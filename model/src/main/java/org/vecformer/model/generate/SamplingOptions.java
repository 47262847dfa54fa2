package org.vecformer.model.generate;

/**
 * How the next token is drawn from the logits: {@code temperature} 0 is greedy (argmax, ties to the
 * lowest id); otherwise softmax(logits / temperature), cut to the {@code topK} most likely tokens
 * (0 = all) and to the smallest top set whose probability reaches {@code topP} (1 = all), renormalised,
 * and drawn with a {@link java.util.SplittableRandom} seeded by {@code seed}.
 */
public record SamplingOptions(double temperature, int topK, double topP, long seed) {
    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0 (0 = greedy), not " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = no limit), not " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], not " + topP);
    }

    /** Always the most likely token. */
    public static SamplingOptions greedy() {
        return new SamplingOptions(0, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
