package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vectorised element-wise kernels over F32 spans (byte offsets), shared by the CPU op groups. */
final class RowOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private RowOps() {
    }

    /** {@code d[i] = x[i] + y[i]}. */
    static void add(MemorySegment x, long xo, MemorySegment y, long yo, MemorySegment d, long dOff, long n) {
        axpby(x, xo, 1f, y, yo, 1f, d, dOff, n);
    }

    /** {@code d[i] = alpha * x[i] + beta * y[i]}. */
    static void axpby(MemorySegment x, long xo, float alpha, MemorySegment y, long yo, float beta, MemorySegment d,
                      long dOff, long n) {
        long i = 0;
        long bound = n - n % S.length();
        for (; i < bound; i += S.length()) {
            FloatVector a = FloatVector.fromMemorySegment(S, x, xo + 4 * i, LE);
            FloatVector b = FloatVector.fromMemorySegment(S, y, yo + 4 * i, LE);
            a.mul(alpha).add(b.mul(beta)).intoMemorySegment(d, dOff + 4 * i, LE);
        }
        for (; i < n; i++) {
            float v = alpha * x.get(Layouts.F32, xo + 4 * i) + beta * y.get(Layouts.F32, yo + 4 * i);
            d.set(Layouts.F32, dOff + 4 * i, v);
        }
    }

    /** {@code d[i] = x[i] * y[i]}. */
    static void mul(MemorySegment x, long xo, MemorySegment y, long yo, MemorySegment d, long dOff, long n) {
        long i = 0;
        long bound = n - n % S.length();
        for (; i < bound; i += S.length()) {
            FloatVector a = FloatVector.fromMemorySegment(S, x, xo + 4 * i, LE);
            a.mul(FloatVector.fromMemorySegment(S, y, yo + 4 * i, LE)).intoMemorySegment(d, dOff + 4 * i, LE);
        }
        for (; i < n; i++) {
            d.set(Layouts.F32, dOff + 4 * i, x.get(Layouts.F32, xo + 4 * i) * y.get(Layouts.F32, yo + 4 * i));
        }
    }

    /** {@code d[i] = x[i] + g[i] * y[i]}, the product rounded before the sum as in PyTorch's {@code x + g * y}. */
    static void addProduct(MemorySegment x, long xo, MemorySegment g, long go, MemorySegment y, long yo, MemorySegment d,
                           long dOff, long n) {
        long i = 0;
        long bound = n - n % S.length();
        for (; i < bound; i += S.length()) {
            FloatVector gy = FloatVector.fromMemorySegment(S, g, go + 4 * i, LE).mul(FloatVector.fromMemorySegment(S, y, yo + 4 * i, LE));
            FloatVector.fromMemorySegment(S, x, xo + 4 * i, LE).add(gy).intoMemorySegment(d, dOff + 4 * i, LE);
        }
        for (; i < n; i++) {
            float gy = g.get(Layouts.F32, go + 4 * i) * y.get(Layouts.F32, yo + 4 * i);
            d.set(Layouts.F32, dOff + 4 * i, x.get(Layouts.F32, xo + 4 * i) + gy);
        }
    }
}
