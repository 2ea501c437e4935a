package jdit.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/** Random test tensors and element-wise comparison that prints the first mismatches with both values. */
public final class Tensors {
    private Tensors() {
    }

    /** F32 values from N(mean, sd), never exactly zero. */
    public static Tensor random(Arena arena, Random r, double mean, double sd, long... shape) {
        Tensor t = Tensor.allocate(arena, DType.F32, Shape.of(shape));
        for (long i = 0; i < t.numel(); i++) {
            double v = mean + sd * r.nextGaussian();
            t.setDoubleAt(i, v == 0 ? 1e-3 : v);
        }
        return t;
    }

    public static Tensor random(Arena arena, Random r, long... shape) {
        return random(arena, r, 0.1, 1.0, shape);
    }

    public static Tensor zeros(Arena arena, long... shape) {
        return Tensor.allocate(arena, DType.F32, Shape.of(shape));
    }

    /** Largest absolute value of a tensor. */
    public static double maxAbs(Tensor t) {
        double m = 0;
        for (long i = 0; i < t.numel(); i++) {
            m = Math.max(m, Math.abs(t.getDoubleAt(i)));
        }
        return m;
    }

    /** Fails unless |got - want| <= atol + rtol·max|want| everywhere; prints the worst places with both values. */
    public static void assertClose(Tensor want, Tensor got, double atol, double rtol, String what) {
        if (!want.shape().equals(got.shape())) {
            fail(what + ": shape " + got.shape() + " != expected " + want.shape());
        }
        double tol = atol + rtol * maxAbs(want);
        StringBuilder bad = new StringBuilder();
        int count = 0;
        double worst = 0;
        for (long i = 0; i < want.numel(); i++) {
            double w = want.getDoubleAt(i);
            double g = got.getDoubleAt(i);
            double d = Math.abs(w - g);
            if (!(d <= tol)) {
                worst = Math.max(worst, d);
                if (count++ < 5) {
                    bad.append(String.format("%n  at flat %d: got %.9g, want %.9g (diff %.3g)", i, g, w, d));
                }
            }
        }
        if (count > 0) {
            fail(what + ": " + count + " of " + want.numel() + " elements differ by more than " + tol + " (worst " + worst + ")" + bad);
        }
    }
}
