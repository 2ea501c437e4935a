package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM with the Vector API: {@code C[m,n] = alpha · A[m,k] · op(B)}. B is packed once into 32-column panels
 * (zero-padded), and a 4x32 register tile (8 accumulators of 16 lanes) walks them in K blocks that stay in L2.
 * The fallback when OpenBLAS is unavailable, and a reference point in the benchmark.
 */
public final class VectorGemm implements AutoCloseable {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int MR = 4;
    private static final int NR = 32;
    private static final int KC = 384;

    private final Parallel parallel;
    private final ScratchBuffer packBuffer = new ScratchBuffer();

    public VectorGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    /** Row-major, leading dimensions in elements; B is [k,n] (ldb) or, with {@code transB}, [n,k]; C is overwritten. */
    public synchronized void multiply(boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b,
                         int ldb, MemorySegment c, int ldc) {
        int panels = (n + NR - 1) / NR;
        // packed[p][kk][0..31] = alpha * op(B)[kk][p*32 + jj]; alpha is folded in here, once per element of B.
        MemorySegment packed = packBuffer.get((long) panels * k * NR * 4);
        parallel.forEach(panels, p -> pack(transB, p, n, k, alpha, b, ldb, packed));
        int rowBlocks = (m + MR - 1) / MR;
        int tasks = Math.min(rowBlocks, parallel.threads() * 8);
        int perTask = (rowBlocks + tasks - 1) / tasks;
        parallel.forEach(tasks, t -> {
            int r0 = t * perTask * MR;
            int r1 = Math.min(m, (t + 1) * perTask * MR);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                for (int p = 0; p < panels; p++) {
                    int cols = Math.min(NR, n - p * NR);
                    long panelBase = ((long) p * k + k0) * NR * 4;
                    for (int i = r0; i < r1; i += MR) {
                        int rows = Math.min(MR, r1 - i);
                        if (rows == MR) {
                            tile4(a, lda, i, k0, kc, packed, panelBase, c, ldc, p * NR, cols, k0 == 0);
                        } else {
                            for (int r = 0; r < rows; r++) {
                                tile1(a, lda, i + r, k0, kc, packed, panelBase, c, ldc, p * NR, cols, k0 == 0);
                            }
                        }
                    }
                }
            }
        });
    }

    private static void pack(boolean transB, int p, int n, int k, float alpha, MemorySegment b, int ldb, MemorySegment packed) {
        long base = (long) p * k * NR * 4;
        for (int kk = 0; kk < k; kk++) {
            for (int jj = 0; jj < NR; jj++) {
                int j = p * NR + jj;
                float v = 0f;
                if (j < n) {
                    long idx = transB ? (long) j * ldb + kk : (long) kk * ldb + j;
                    v = alpha * b.getAtIndex(Layouts.F32, idx);
                }
                packed.set(Layouts.F32, base + ((long) kk * NR + jj) * 4, v);
            }
        }
    }

    private static void tile4(MemorySegment a, int lda, int i, int k0, int kc, MemorySegment packed, long pb,
                              MemorySegment c, int ldc, int j0, int cols, boolean first) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        long a0 = ((long) i * lda + k0) * 4;
        long st = (long) lda * 4;
        for (int kk = 0; kk < kc; kk++) {
            long off = pb + (long) kk * NR * 4;
            FloatVector b0 = FloatVector.fromMemorySegment(S, packed, off, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, packed, off + 64, LE);
            long ak = a0 + 4L * kk;
            FloatVector x = FloatVector.broadcast(S, a.get(Layouts.F32, ak));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a.get(Layouts.F32, ak + st));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a.get(Layouts.F32, ak + 2 * st));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a.get(Layouts.F32, ak + 3 * st));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c00, c01, c, ldc, i, j0, cols, first);
        store(c10, c11, c, ldc, i + 1, j0, cols, first);
        store(c20, c21, c, ldc, i + 2, j0, cols, first);
        store(c30, c31, c, ldc, i + 3, j0, cols, first);
    }

    private static void tile1(MemorySegment a, int lda, int i, int k0, int kc, MemorySegment packed, long pb,
                              MemorySegment c, int ldc, int j0, int cols, boolean first) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        long a0 = ((long) i * lda + k0) * 4;
        for (int kk = 0; kk < kc; kk++) {
            long off = pb + (long) kk * NR * 4;
            FloatVector x = FloatVector.broadcast(S, a.get(Layouts.F32, a0 + 4L * kk));
            c0 = x.fma(FloatVector.fromMemorySegment(S, packed, off, LE), c0);
            c1 = x.fma(FloatVector.fromMemorySegment(S, packed, off + 64, LE), c1);
        }
        store(c0, c1, c, ldc, i, j0, cols, first);
    }

    /**
     * Writes (first K block) or adds a row of the tile into C. Called after the inner loop so that C2 inlines the
     * loop's vector intrinsics first: with the loads before it, tile4 hit the inlining budget and the loop's loads
     * were left as calls (boxed vectors, about 20x slower).
     */
    private static void store(FloatVector v0, FloatVector v1, MemorySegment c, int ldc, int row, int j0, int cols, boolean first) {
        long off = ((long) row * ldc + j0) * 4;
        VectorMask<Float> m0 = S.indexInRange(0, cols);
        if (!first) {
            v0 = v0.add(FloatVector.fromMemorySegment(S, c, off, LE, m0));
        }
        v0.intoMemorySegment(c, off, LE, m0);
        if (cols > 16) {
            VectorMask<Float> m1 = S.indexInRange(0, cols - 16);
            if (!first) {
                v1 = v1.add(FloatVector.fromMemorySegment(S, c, off + 64, LE, m1));
            }
            v1.intoMemorySegment(c, off + 64, LE, m1);
        }
    }

    /** Releases the reused scratch memory. */
    @Override
    public void close() {
        packBuffer.close();
    }
}
