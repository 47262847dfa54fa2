package org.vecformer.engine.kernel;

/**
 * Per-thread buffers of the GEMM, grown on demand and then reused by every later call on the same
 * thread, so steady-state calls allocate nothing: the packed A block (or whole A slice, up to 2²¹ floats),
 * the packed B block, one accumulator tile, and two float runs for the small paths.
 */
final class GemmScratch {
    private static final ThreadLocal<GemmScratch> LOCAL = ThreadLocal.withInitial(GemmScratch::new);

    private float[] packedA = new float[0], packedB = new float[0], tile = new float[0], x = new float[0], out = new float[0];

    private GemmScratch() {}

    /** This thread's buffers. */
    static GemmScratch local() {
        return LOCAL.get();
    }

    float[] packedA(int size) {
        if (packedA.length < size) packedA = new float[size];
        return packedA;
    }

    float[] packedB(int size) {
        if (packedB.length < size) packedB = new float[size];
        return packedB;
    }

    float[] tile(int size) {
        if (tile.length < size) tile = new float[size];
        return tile;
    }

    /** A contiguous copy of a strided vector operand. */
    float[] x(int size) {
        if (x.length < size) x = new float[size];
        return x;
    }

    /** Raw dot products before alpha and beta are applied. */
    float[] out(int size) {
        if (out.length < size) out = new float[size];
        return out;
    }
}
