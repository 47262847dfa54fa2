package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SkipTrigramTaskTest {
    private final SkipTrigrams planted = SkipTrigrams.random(40, 3, 4, 7);

    @Test
    void rolesAreDistinctAndFillersAreTheRest() {
        assertEquals(12, planted.triples().size());
        Set<Integer> seen = new HashSet<>();
        Map<Integer, Integer> perB = new HashMap<>();
        for (SkipTrigrams.Triple t : planted.triples()) {
            assertTrue(seen.add(t.a()) && seen.add(t.c()), "A and C used once: " + t);
            perB.merge(t.b(), 1, Integer::sum);
        }
        assertEquals(3, perB.size(), "three B tokens");
        perB.values().forEach(n -> assertEquals(4, n));
        for (int b : perB.keySet()) assertTrue(seen.add(b));
        for (int f : planted.fillers()) assertTrue(seen.add(f), "filler " + f + " has no role");
        assertEquals(40, seen.size());
        assertThrows(IllegalArgumentException.class, () -> SkipTrigrams.random(10, 3, 1, 0));
    }

    @Test
    void everyBFollowsItsAAndIsFollowedByThatTriplesC() {
        Map<Integer, SkipTrigrams.Triple> byA = new HashMap<>();
        Set<Integer> bs = new HashSet<>(), cs = new HashSet<>();
        for (SkipTrigrams.Triple t : planted.triples()) {
            byA.put(t.a(), t);
            bs.add(t.b());
            cs.add(t.c());
        }
        int n = 24;
        Batch batch = new SkipTrigramTask(planted, n, 8).next(500);
        Set<Integer> pairCounts = new HashSet<>();
        Map<Integer, Set<Integer>> cAfterB = new HashMap<>();
        for (int s = 0; s < batch.size(); s++) {
            int row = s;
            int[] as = IntStream.rangeClosed(0, n).filter(i -> byA.containsKey(batch.token(row, i))).toArray();
            assertEquals(1, as.length, "one A per sequence");
            assertTrue(as[0] < (n + 1) / 4);
            SkipTrigrams.Triple t = byA.get(batch.token(s, as[0]));
            int pairs = 0;
            for (int i = 0; i <= n; i++) {
                int tok = batch.token(s, i);
                boolean isB = bs.contains(tok);
                if (i < n) assertEquals(isB, batch.predictable()[s * n + i], "mask marks exactly the B positions");
                if (isB) {
                    pairs++;
                    assertTrue(i > as[0] && i < n, "B after A with room for C");
                    assertEquals(t.b(), tok);
                    assertEquals(t.c(), batch.token(s, i + 1), "C follows B");
                    cAfterB.computeIfAbsent(tok, k -> new HashSet<>()).add(t.c());
                } else if (cs.contains(tok)) {
                    assertEquals(t.b(), batch.token(s, i - 1), "C only after B");
                }
            }
            pairCounts.add(pairs);
        }
        assertEquals(Set.of(1, 2, 3), pairCounts);
        cAfterB.values().forEach(c -> assertEquals(4, c.size(), "what follows B depends on the earlier A"));
    }
}
