package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * SIMD bias backward, {@code db[c] += Σ_r dy[r, c]} (twin {@link org.vecformer.engine.reference.RefBiasBackward}).
 * A reduction over rows, so it is split over columns: each thread owns a set of columns and adds the rows in
 * order, one vector of columns at a time, so the bits do not depend on the thread count.
 */
public final class BiasBackward {
    private static final VectorSpecies<Float> S = Simd.F;

    private BiasBackward() {}

    public static void backward(int rows, int n, float[] dy, int dyOff, int ldy, float[] db, int dbOff) {
        if (rows <= 0 || n <= 0) return;
        int step = S.length();
        int grain = Math.max(step, (n / Parallel.threads() + step - 1) / step * step);
        Parallel.forRange(n, grain, (from, to) -> {
            for (int c = from; c < to; c += step) {
                VectorMask<Float> m = S.indexInRange(c, to);
                FloatVector s = FloatVector.fromArray(S, db, dbOff + c, m);
                for (int r = 0; r < rows; r++) s = s.add(FloatVector.fromArray(S, dy, dyOff + r * ldy + c, m));
                s.intoArray(db, dbOff + c, m);
            }
        });
    }
}
