package org.vecformer.engine.io.torch;

import org.vecformer.engine.io.torch.Pickled.TensorRef;

/**
 * The arithmetic of a strided view on a storage: element {@code (i_0, ..., i_{n-1})} of a tensor is storage
 * element {@code offset + Σ_d i_d·stride_d}, for {@code 0 <= i_d < size_d}.
 */
final class Strided {
    private Strided() {
    }

    /** Elements of the view: {@code Π_d size_d}, or -1 when that overflows a long. */
    static long numel(TensorRef t) {
        long n = 1;
        for (long d : t.size) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    /**
     * The last storage element the view reads, {@code offset + Σ_d (size_d − 1)·stride_d} (sizes, strides and
     * offset non-negative), or -1 when that overflows a long. Only meaningful when the view has elements.
     */
    static long lastElement(TensorRef t) {
        try {
            long last = t.offset;
            for (int d = 0; d < t.size.length; d++) last = Math.addExact(last, Math.multiplyExact(t.size[d] - 1, t.stride[d]));
            return last;
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** True when the view is its whole storage in row-major order (strides of size-1 axes do not matter). */
    static boolean isWhole(TensorRef t, long numel) {
        if (t.offset != 0 || numel != t.storage.numel()) return false;
        long expected = 1;
        for (int d = t.size.length - 1; d >= 0; d--) {
            if (t.size[d] != 1 && t.stride[d] != expected) return false;
            expected *= t.size[d];
        }
        return true;
    }

    /** The view's elements in row-major order, copied out of {@code storage} (bounds checked by the caller). */
    static float[] gather(float[] storage, TensorRef t, int numel) {
        float[] out = new float[numel];
        int rank = t.size.length;
        if (rank == 0) {
            out[0] = storage[(int) t.offset];
            return out;
        }
        if (numel == 0) return out;
        int inner = (int) t.size[rank - 1];
        long innerStride = t.stride[rank - 1];
        int[] index = new int[rank - 1];
        long base = t.offset;
        for (int o = 0; o < numel; o += inner) {
            if (innerStride == 1) {
                System.arraycopy(storage, (int) base, out, o, inner);
            } else {
                for (int j = 0; j < inner; j++) out[o + j] = storage[(int) (base + j * innerStride)];
            }
            for (int d = rank - 2; d >= 0; d--) {
                base += t.stride[d];
                if (++index[d] < t.size[d]) break;
                base -= t.stride[d] * t.size[d];
                index[d] = 0;
            }
        }
        return out;
    }
}
