package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m, n] = alpha · A[m, :] · B[n, :] + beta · C} for a handful of rows of A and B stored as [N, K] (a Linear
 * weight): the adaLN and embedding products of a batch of a few images. Such products are bound by reading B once;
 * a general gemm packs B first and reaches a fraction of the bandwidth, so here each row of B is streamed once and
 * dotted with every row of A while it is in cache, the rows of B split across threads.
 */
final class FewRowsGemm {
    /** Up to this many rows go through here. */
    static final int MAX_ROWS = 4;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private FewRowsGemm() {
    }

    static void multiply(Parallel parallel, int m, int n, int k, float alpha, MemorySegment a, MemorySegment b, int ldb,
                         float beta, MemorySegment c) {
        if (m < 1 || m > MAX_ROWS) {
            throw new IllegalArgumentException("FewRowsGemm takes 1 to " + MAX_ROWS + " rows, got " + m);
        }
        parallel.forRange(n, 64, (n0, n1) -> {
            for (long j = n0; j < n1; j++) {
                long bo = j * ldb * 4;
                for (int i = 0; i < m; i++) {
                    float dot = alpha * dot(a, (long) i * k * 4, b, bo, k);
                    long co = ((long) i * n + j) * 4;
                    c.set(Layouts.F32, co, beta == 0f ? dot : dot + beta * c.get(Layouts.F32, co));
                }
            }
        });
    }

    private static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int k) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        int step = 2 * S.length();
        for (int bound = k - k % step; i < bound; i += step) {
            acc0 = FloatVector.fromMemorySegment(S, a, ao + 4L * i, LE)
                    .fma(FloatVector.fromMemorySegment(S, b, bo + 4L * i, LE), acc0);
            acc1 = FloatVector.fromMemorySegment(S, a, ao + 4L * (i + S.length()), LE)
                    .fma(FloatVector.fromMemorySegment(S, b, bo + 4L * (i + S.length()), LE), acc1);
        }
        float sum = (float) Lanes.sum(acc0.add(acc1));
        for (; i < k; i++) {
            sum += a.get(Layouts.F32, ao + 4L * i) * b.get(Layouts.F32, bo + 4L * i);
        }
        return sum;
    }
}
