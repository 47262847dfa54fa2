package org.vecformer.model.transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a forward and a backward take their float buffers (activations, their gradients, logits).
 *
 * <p>{@link #FRESH} allocates each buffer anew: for passes whose arrays may outlive them (logits returned to a caller,
 * activations in a hook cache or told to a gradient listener). A {@link #recycling} workspace serves one thread of
 * training shards ({@link ShardedBackward}): each shard {@link #reset}s it, and since a shard asks for its buffers in
 * the same order and of the same sizes as the shard before, request i gets back the array request i got then. A
 * training step then allocates nothing after the first, and the buffers a thread reuses are still in its caches. Before,
 * a d_model 512 step (batch 8 of n_ctx 256) allocated about 200 MB of fresh, zeroed and cold arrays: a young
 * collection of 20-50 ms every 15 steps on top of clearing and first touching the memory.
 *
 * <p>Not thread-safe: one recycling workspace per thread. Arrays handed out before a {@link #reset} must not be used
 * after it.
 */
final class Workspace {
    /** Allocates every buffer: zeroed, never handed out twice. Stateless, so shared by all threads. */
    static final Workspace FRESH = new Workspace(false);

    private final boolean recycles;
    /** The arrays handed out since the last reset, in request order, and those of earlier passes after them. */
    private final List<float[]> slots = new ArrayList<>();
    /** The next request's slot. */
    private int next;

    private Workspace(boolean recycles) {
        this.recycles = recycles;
    }

    /** A workspace that hands out the previous pass's arrays again after each {@link #reset}. */
    static Workspace recycling() {
        return new Workspace(true);
    }

    /**
     * A buffer of {@code n} floats whose contents are unspecified (zeros when new, a previous pass's values when
     * recycled): for a caller that writes every element before it reads any.
     */
    float[] floats(int n) {
        if (!recycles) return new float[n];
        float[] a = next < slots.size() ? slots.get(next) : null;
        if (a == null || a.length != n) {
            a = new float[n];
            if (next < slots.size()) slots.set(next, a);
            else slots.add(a);
        }
        next++;
        return a;
    }

    /** A buffer of {@code n} zeros: for a caller that adds into it. */
    float[] zeros(int n) {
        float[] a = floats(n);
        if (recycles) Arrays.fill(a, 0f);
        return a;
    }

    /** Starts a pass: every buffer handed out so far may be handed out again, and must no longer be used. */
    void reset() {
        next = 0;
    }
}
