package org.vecformer.model.train;

/**
 * Learning-rate schedule: linear warm-up over the first {@code warmupSteps} steps, then cosine decay from
 * {@code peak} to {@code floor} at {@code totalSteps}, then {@code floor}. For step s (0-based), W warm-up steps,
 * S total steps:
 * <pre>
 *   lr(s) = peak·(s + 1)/W                                          s &lt; W
 *   lr(s) = floor + (peak − floor)·(1 + cos(π·(s − W)/(S − W)))/2   W ≤ s &lt; S
 *   lr(s) = floor                                                   s ≥ S
 * </pre>
 * so the first step already moves (lr = peak/W), the last warm-up step and step W use the peak, and the
 * midpoint of the decay gives (peak + floor)/2.
 */
public record WarmupCosine(double peak, int warmupSteps, int totalSteps, double floor) {
    public WarmupCosine {
        if (!(peak > 0) || !(floor >= 0 && floor <= peak)) {
            throw new IllegalArgumentException("need peak > 0 and 0 <= floor <= peak, not peak " + peak + ", floor " + floor);
        }
        if (warmupSteps < 0 || totalSteps < warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warm-up steps <= total steps, not " + warmupSteps + ", " + totalSteps);
        }
    }

    /** The learning rate of step {@code s} (0-based). */
    public double lr(int s) {
        if (s < warmupSteps) return peak * (s + 1) / warmupSteps;
        if (s >= totalSteps) return floor;
        double progress = (double) (s - warmupSteps) / (totalSteps - warmupSteps);
        return floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
