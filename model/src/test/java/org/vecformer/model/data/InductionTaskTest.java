package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InductionTaskTest {
    private static final int V = 50, N = 64;

    @Test
    void predictableTargetsRepeatWhatFollowedThePreviousOccurrence() {
        Batch batch = new InductionTask(V, N, 1).next(400);
        Set<Integer> distances = new HashSet<>(), starts = new HashSet<>();
        int[] agree = new int[N + 1];
        int masked = 0;
        for (int s = 0; s < batch.size(); s++) {
            int first = -1;
            for (int i = 0; i < N; i++) {
                if (!batch.predictable()[s * N + i]) {
                    assertTrue(first < 0, "the predictable targets are one run to the end");
                    continue;
                }
                if (first < 0) first = i;
                int prev = previousOccurrence(batch, s, i);
                assertTrue(prev >= 0, "token " + i + " occurred before");
                assertEquals(batch.token(s, prev + 1), batch.token(s, i + 1), "induction predicts the target");
                distances.add(i - prev);
                masked++;
                for (int d = 1; d <= i + 1; d++) if (batch.token(s, i + 1) == batch.token(s, i + 1 - d)) agree[d]++;
            }
            assertTrue(first >= 0 && first < N - 2, "every sequence has repeats");
            starts.add(first);
        }
        assertTrue(distances.size() > 20, "periods vary: " + distances);
        assertTrue(starts.size() > 20, "repeats start at varying positions: " + starts.size());
        for (int d = 1; d <= N; d++) assertTrue(agree[d] < 0.2 * masked, "a fixed offset " + d + " predicts " + agree[d] + " of " + masked);
    }

    @Test
    void periodsStayWithinTheRequestedRange() {
        Batch batch = new InductionTask(V, N, 5, 9, 2).next(300);
        Set<Integer> periods = new HashSet<>();
        for (int s = 0; s < batch.size(); s++) {
            int row = s;
            int first = IntStream.range(0, N).filter(k -> batch.predictable()[row * N + k]).findFirst().orElseThrow();
            periods.add(first - previousOccurrence(batch, s, first));
        }
        assertEquals(Set.of(5, 6, 7, 8, 9), periods);
    }

    @Test
    void repeatedTokensRepeatASegmentOfVaryingLength() {
        RepeatedTokens eval = RepeatedTokens.sample(V, N, 200, 3);
        Batch b = eval.batch();
        boolean[] repeated = eval.repeatedHalf(), firstHalf = eval.firstHalf();
        Set<Integer> lengths = new HashSet<>();
        for (int s = 0; s < b.size(); s++) {
            int l = eval.segment()[s];
            lengths.add(l);
            assertTrue(l >= N / 4 && l <= N / 2);
            int row = s;
            assertEquals(l, IntStream.range(0, l).map(i -> b.token(row, i)).distinct().count(), "distinct segment tokens");
            for (int i = 0; i < N; i++) {
                if (i < l) assertEquals(b.token(s, i), b.token(s, i + l));
                assertEquals(i >= l && i < 2 * l - 1, repeated[s * N + i]);
                assertEquals(i < l - 1, firstHalf[s * N + i]);
                if (repeated[s * N + i]) assertEquals(b.token(s, i + 1 - l), b.token(s, i + 1));
            }
        }
        assertTrue(lengths.size() > 10, "segment lengths vary: " + lengths);
    }

    /** The latest j &lt; i with the same token as i, or -1. */
    private static int previousOccurrence(Batch b, int s, int i) {
        for (int j = i - 1; j >= 0; j--) if (b.token(s, j) == b.token(s, i)) return j;
        return -1;
    }
}
