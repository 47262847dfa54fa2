package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.OperandB;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

class MemoryEstimateTest {
    /** L 1, d_model 4, 2 heads of 2, n_ctx 3, d_vocab 5, LN with biases. */
    private static final Config TINY = Config.of(1, 4, 2, 2, 3, 5);

    @Test
    void parametersAreTheTensorsOfTheConfig() {
        // W_E 5·4 + W_pos 3·4 + ln1 2·4 + W_Q|K|V 3·2·4·2 + W_O 2·2·4 + b_Q|K|V 3·2·2 + b_O 4 + ln_final 2·4 + W_U 4·5 + b_U 5
        long closedForm = 20 + 12 + 8 + 48 + 16 + 12 + 4 + 8 + 20 + 5;
        MemoryEstimate e = MemoryEstimate.of(TINY, TrainConfig.of(10, 2, 1e-3, 1), 1, false);
        assertEquals(closedForm, e.parameters());
        assertEquals(Weights.init(TINY, 1).parameterCount(), e.parameters());
    }

    @Test
    void tinyConfigCountedByHand() {
        // batch 2 → 2 shards of n = 1 sequence, r = 3 rows, hd = 4; held-out 128 sequences
        MemoryEstimate e = MemoryEstimate.of(TINY, TrainConfig.of(10, 2, 1e-3, 1), 1, false);
        long p = 153;
        // weights packed for the GEMM: n rounded up to micro-panels of nr columns, the depth k to even (one k slice
        // here); W_Q|K|V 4×12 and 12×4, W_O 4×4 both ways, W_U 4×5 and 5×4 (depth 5 packs 6 deep)
        long nr = OperandB.packedFloats(1, 1) / 2;
        long packedWeights = nr * (4 + 12) + nr * (4 + 4) + nr * (4 + 6);
        long persistent = 6 * p /* weights, grads, m, v, 2 shard buffers */ + (4 * 12 + 12) /* packed QKV */ + packedWeights
                + 2 * 128 * 3 /* held-out ids */;
        assertEquals(persistent, e.persistentElements());
        // r·D = 12 floats per residual-sized buffer, r·hd = 12
        long layer = 4 * 12 /* ln1 out, attn out, resid_post, shortformer Q|K input */ + 3 /* scale */
                + 36 + 12 /* qkv 3·3·4, z */ + 18 /* pattern 1·2·3·3 */;
        long layerBackward = 2 * 12 /* dx, shortformer W_pos rows */ + 12 + 36 /* dz, dqkv */ + 4 /* bias-gradient scratch */;
        long embed = 3 * 12, fin = 12 + 3, logits = 15 + 3, unembedBackward = 2 * 12 + 4, ids = 6;
        long shard = layer + layerBackward + embed + fin + logits + unembedBackward + ids;
        assertEquals(shard, e.perShardElements());
        assertEquals(1, e.concurrentShards());
        // the checkpoint (3 more copies of P = 459) outweighs one shard's activations (296)
        assertEquals(4 * (persistent + 3 * p), e.bytes());
        MemoryEstimate two = MemoryEstimate.of(TINY, TrainConfig.of(10, 2, 1e-3, 1), 8, true);
        assertEquals(2, two.concurrentShards(), "no more shards at once than there are");
        // two shards' activations (592) now outweigh the checkpoint copies (459); the trace adds the initial weights and
        // steps·batch·(T+1) ids twice
        assertEquals(4 * (persistent + 2 * shard + p + 2 * 10 * 2 * 4), two.bytes());
    }

    @Test
    void longContextIsDominatedByThePatterns() {
        // the default induction run at n_ctx 8192: 2 layers, 4 heads, batch 32 in 8 shards of 4 sequences, 2 at once
        Config c = Config.of(2, 64, 4, 16, 8192, 64);
        MemoryEstimate e = MemoryEstimate.of(c, TrainConfig.of(800, 32, 2e-3, 1), 2, false);
        long patterns = 4L * 2 * 2 * (4L * 4 * 8192 * 8192);
        assertTrue(e.bytes() > patterns && e.bytes() < 2 * patterns, e.bytes() + " vs patterns " + patterns);
        assertEquals(4L * 4 * 8192 * 8192, e.largestArray());
        assertFalse(e.fits(8_000_000_000L));
        assertTrue(e.fits((long) (e.bytes() / MemoryEstimate.HEADROOM) + 1));
        assertTrue(MemoryEstimate.of(Config.of(2, 64, 4, 16, 100_000, 64), TrainConfig.of(800, 32, 2e-3, 1), 2, false).largestArray()
                > MemoryEstimate.MAX_ARRAY);
    }

    @Test
    void bytesReadAsUnits() {
        assertEquals("16.0 GiB", MemoryEstimate.human(16L << 30));
        assertEquals("1.5 GiB", MemoryEstimate.human(3L << 29));
        assertEquals("512 MiB", MemoryEstimate.human(512L << 20));
        assertEquals("8 KiB", MemoryEstimate.human(8_192L));
    }
}
