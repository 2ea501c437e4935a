package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The flash-attention row update over one tile of scores: with the running maximum m and sum l of a query row, the
 * tile's scores s become p = exp(s − m'), m' = max(m, max s), and the row's accumulated output must be scaled by the
 * returned exp(m − m'). Masked scores are −inf and contribute 0; a row with nothing unmasked yet stays at (−inf, 0).
 */
final class OnlineSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private OnlineSoftmax() {
    }

    /**
     * Updates row {@code i}'s (m, l) from the n scores at byte offset {@code off} of {@code s}, which become the
     * probabilities; returns the factor for the row's output so far (0 when it had none, 1 when the max stayed).
     */
    static float update(MemorySegment s, long off, int n, float[] m, float[] l, int i) {
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        int bound = n - n % S.length();
        if (bound > 0) {
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j < bound; j += S.length()) {
                vmax = vmax.max(FloatVector.fromMemorySegment(S, s, off + 4L * j, LE));
            }
            max = vmax.reduceLanes(jdk.incubator.vector.VectorOperators.MAX); // exact in any order
        }
        for (; j < n; j++) {
            max = Math.max(max, s.get(Layouts.F32, off + 4L * j));
        }
        float mNew = Math.max(m[i], max);
        if (mNew == Float.NEGATIVE_INFINITY) {
            s.asSlice(off, 4L * n).fill((byte) 0); // nothing to attend to yet: the tile adds nothing
            return 1f;
        }
        FloatVector vsum = FloatVector.zero(S);
        j = 0;
        for (; j < bound; j += S.length()) {
            FloatVector p = VectorExp.exp(FloatVector.fromMemorySegment(S, s, off + 4L * j, LE).sub(mNew));
            p.intoMemorySegment(s, off + 4L * j, LE);
            vsum = vsum.add(p);
        }
        double sum = Lanes.sum(vsum);
        for (; j < n; j++) {
            float p = (float) Math.exp(s.get(Layouts.F32, off + 4L * j) - mNew);
            s.set(Layouts.F32, off + 4L * j, p);
            sum += p;
        }
        float alpha = m[i] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[i] - mNew);
        l[i] = (float) (l[i] * alpha + sum);
        m[i] = mNew;
        return alpha;
    }
}
