package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every generator: same seed, same batches; another seed or the held-out stream, other batches. */
class DeterminismTest {
    private static final BigramChain CHAIN = BigramChain.random(11, 0.5, 1);
    private static final SkipTrigrams PLANTED = SkipTrigrams.random(30, 3, 2, 2);
    private static final TokenStream STREAM = new TokenStream("ids", IntStream.range(0, 500).map(i -> i * 7 % 13).toArray(), 13);

    private record Case(String name, LongFunction<BatchSource> make, LongFunction<BatchSource> heldOut) {}

    private static final List<Case> CASES = List.of(
            new Case("bigram", s -> new BigramTask(CHAIN, 16, s), s -> new BigramTask(CHAIN, 16, s).heldOut()),
            new Case("skip-trigram", s -> new SkipTrigramTask(PLANTED, 16, s), s -> new SkipTrigramTask(PLANTED, 16, s).heldOut()),
            new Case("induction", s -> new InductionTask(40, 32, s), s -> new InductionTask(40, 32, s).heldOut()),
            new Case("tokens", s -> STREAM.windows(16, s), s -> STREAM.heldOut().windows(16, s)));

    @Test
    void sameSeedSameBatches() {
        for (Case c : CASES) {
            BatchSource a = c.make.apply(42), b = c.make.apply(42);
            for (int i = 0; i < 3; i++) {
                Batch x = a.next(5), y = b.next(5);
                assertArrayEquals(x.tokens(), y.tokens(), c.name);
                assertArrayEquals(x.predictable(), y.predictable(), c.name);
            }
        }
    }

    @Test
    void otherSeedOrHeldOutGivesOtherBatches() {
        for (Case c : CASES) {
            int[] train = c.make.apply(42).next(8).tokens();
            assertFalse(Arrays.equals(train, c.make.apply(43).next(8).tokens()), c.name + " other seed");
            assertFalse(Arrays.equals(train, c.heldOut.apply(42).next(8).tokens()), c.name + " held out");
        }
    }

    @Test
    void oneSeedFixesStructureAndSamples() {
        BigramTask a = BigramTask.random(9, 8, 0.5, 5), b = BigramTask.random(9, 8, 0.5, 5);
        assertArrayEquals(a.chain().transition(), b.chain().transition());
        assertArrayEquals(a.next(4).tokens(), b.next(4).tokens());
        assertFalse(Arrays.equals(a.chain().transition(), BigramTask.random(9, 8, 0.5, 6).chain().transition()));
        SkipTrigramTask s = SkipTrigramTask.random(30, 12, 2, 3, 5), t = SkipTrigramTask.random(30, 12, 2, 3, 5);
        assertEquals(s.planted().triples(), t.planted().triples());
        assertArrayEquals(s.next(4).tokens(), t.next(4).tokens());
        assertEquals(s.planted().triples(), s.heldOut().planted().triples(), "held out keeps the structure");
    }

    @Test
    void batchesSplitIntoInputsAndNextTokenTargets() {
        Batch b = new Batch(2, 3, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, null);
        assertArrayEquals(new int[] {1, 2, 3, 5, 6, 7}, b.inputs());
        assertArrayEquals(new int[] {2, 3, 4, 6, 7, 8}, b.targets());
        assertEquals(7, b.token(1, 2));
    }
}
