package org.vecformer.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {
    /** [T=3, nHeads=2 · dHead=2] with element value = 100·t + 10·h + e. */
    private static Tensor qkv() {
        Tensor x = Tensor.zeros(3, 4);
        for (int t = 0; t < 3; t++) for (int h = 0; h < 2; h++) for (int e = 0; e < 2; e++) x.set(100 * t + 10 * h + e, t, h * 2 + e);
        return x;
    }

    @Test
    void sliceIsARowView() {
        Tensor x = qkv();
        Tensor row = x.slice(2);
        assertArrayEquals(new int[] {4}, row.shape());
        assertEquals(8, row.offset());
        row.set(-1f, 3);
        assertEquals(-1f, x.get(2, 3));
    }

    @Test
    void columnsViewAHeadWithTheParentsLeadingDimension() {
        Tensor head1 = qkv().columns(2, 2);
        assertEquals(4, head1.ld());
        assertFalse(head1.isContiguous());
        assertEquals(211f, head1.get(2, 1));
        assertArrayEquals(new float[] {10, 11, 110, 111, 210, 211}, head1.copy().data());
    }

    @Test
    void reshapeKeepsElements() {
        Tensor x = qkv().reshape(3, 2, 2);
        assertEquals(110f, x.get(1, 1, 0));
        assertEquals(110f, x.slice(1).slice(1).get(0));
    }

    @Test
    void impossibleShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertThrows(ArithmeticException.class, () -> Tensor.zeros(1 << 20, 1 << 20, 1 << 20));
        assertThrows(ArithmeticException.class, () -> Tensor.size(1 << 30, 1 << 30, 1 << 30));
        assertThrows(IllegalArgumentException.class, () -> qkv().reshape(5));
        assertThrows(IndexOutOfBoundsException.class, () -> qkv().get(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> qkv().columns(3, 2));
    }
}
