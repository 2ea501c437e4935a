package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdit.tensor.Tensor;

/** Tolerance checks shared by this module's tests. */
final class TensorAsserts {
    private TensorAsserts() {
    }

    /** |want − got| <= atol + rtol·max|want| for every element, shapes equal. */
    static void assertClose(Tensor want, Tensor got, double atol, double rtol, String what) {
        assertEquals(want.shape(), got.shape(), what);
        double scale = 0;
        for (long i = 0; i < want.numel(); i++) {
            scale = Math.max(scale, Math.abs(want.getDoubleAt(i)));
        }
        double worst = 0;
        long at = -1;
        for (long i = 0; i < want.numel(); i++) {
            double d = Math.abs(want.getDoubleAt(i) - got.getDoubleAt(i));
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= atol + rtol * scale, what + ": max error " + worst + " at element " + at + " against scale "
                + scale);
    }

    /** Relative to max|want| only: the trajectory tolerance of the golden README (1e-4). */
    static void assertCloseRel(Tensor want, Tensor got, double rel, String what) {
        assertClose(want, got, 0, rel, what);
    }
}
