package org.vecformer.engine.kernel;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips every test of a run that forced a vector width ({@code vecformer.simd.bits}) this CPU does not have: the
 * build reruns the kernel tests at 128 and 256 bits to exercise narrow machines' tails and masks, and on a CPU with
 * narrower vectors (e.g. 128-bit NEON) such a run would only repeat the default run at the CPU's width. The skip is
 * reported with the reason. Registered for all engine tests through JUnit's extension auto-detection
 * ({@code junit-platform.properties} and {@code META-INF/services} in the test resources).
 */
public final class ForcedWidthCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return Simd.fallback()
                .map(note -> ConditionEvaluationResult.disabled("skipped: " + note + ", which the default run already tests"))
                .orElseGet(() -> ConditionEvaluationResult.enabled("the forced vector width, if any, is this CPU's or narrower"));
    }
}
