package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Softmax of one F32 row: max, then exp and sum written to the output, then one scaling pass while it is in L1. */
final class RowSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private RowSoftmax() {
    }

    static void row(MemorySegment x, MemorySegment o, long off, long n, float scale) {
        long bound = n - n % S.length();
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        long i = 0;
        for (; i < bound; i += S.length()) {
            vmax = vmax.max(FloatVector.fromMemorySegment(S, x, off + 4 * i, LE).mul(scale));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, scale * x.get(Layouts.F32, off + 4 * i));
        }
        FloatVector vsum = FloatVector.zero(S);
        i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector e = VectorExp.exp(FloatVector.fromMemorySegment(S, x, off + 4 * i, LE).mul(scale).sub(max));
            e.intoMemorySegment(o, off + 4 * i, LE);
            vsum = vsum.add(e);
        }
        double sum = Lanes.sum(vsum);
        for (; i < n; i++) {
            float e = (float) Math.exp(scale * x.get(Layouts.F32, off + 4 * i) - max);
            o.set(Layouts.F32, off + 4 * i, e);
            sum += e;
        }
        float inv = (float) (1 / sum);
        i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromMemorySegment(S, o, off + 4 * i, LE).mul(inv).intoMemorySegment(o, off + 4 * i, LE);
        }
        for (; i < n; i++) {
            o.set(Layouts.F32, off + 4 * i, o.get(Layouts.F32, off + 4 * i) * inv);
        }
    }
}
