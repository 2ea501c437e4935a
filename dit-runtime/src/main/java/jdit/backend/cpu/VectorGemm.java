package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM with the Vector API: {@code C[m,n] = alpha · A[m,k] · op(B)}. B is packed once per call into 32-column
 * panels and A per task into 4-row panels, both in heap {@code float[]}s (the JIT's array loads beat scalar
 * segment loads in the inner loop by about 1.5x here); a 4x32 register tile (8 accumulators of 16 lanes) walks
 * them in K blocks that stay in L2. The fallback when OpenBLAS is unavailable, and a reference point in the bench.
 */
public final class VectorGemm implements AutoCloseable {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int MR = 4;
    private static final int NR = 32;
    private static final int KC = 384;

    private final Parallel parallel;
    private float[] packedB = new float[0];

    public VectorGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    /** Row-major, leading dimensions in elements; B is [k,n] (ldb) or, with {@code transB}, [n,k]; C is overwritten. */
    public synchronized void multiply(boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                                      MemorySegment b, int ldb, MemorySegment c, int ldc) {
        int panels = (n + NR - 1) / NR;
        if (packedB.length < panels * k * NR) {
            packedB = new float[panels * k * NR]; // reused by later calls: the buffer is only ever grown
        }
        float[] pb = packedB;
        // pb[(p·k + kk)·32 + jj] = alpha · op(B)[kk][p·32 + jj], zero past n; alpha folded in once per element of B.
        parallel.forEach(panels, p -> packB(transB, p, n, k, alpha, b, ldb, pb));
        int rowTiles = (m + MR - 1) / MR;
        int tasks = Math.min(rowTiles, parallel.threads() * 8);
        int perTask = (rowTiles + tasks - 1) / tasks;
        parallel.forEach(tasks, t -> {
            int t0 = t * perTask;
            int t1 = Math.min(rowTiles, t0 + perTask);
            float[] pa = new float[Math.max(0, t1 - t0) * KC * MR];
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                packA(a, lda, m, t0, t1, k0, kc, pa);
                for (int p = 0; p < panels; p++) {
                    int cols = Math.min(NR, n - p * NR);
                    int bBase = (p * k + k0) * NR;
                    for (int tile = t0; tile < t1; tile++) {
                        int rows = Math.min(MR, m - tile * MR);
                        tile4(pa, (tile - t0) * kc * MR, kc, pb, bBase, c, ldc, tile * MR, rows, p * NR, cols, k0 == 0);
                    }
                }
            }
        });
    }

    private static void packB(boolean transB, int p, int n, int k, float alpha, MemorySegment b, int ldb, float[] pb) {
        int base = p * k * NR;
        for (int kk = 0; kk < k; kk++) {
            for (int jj = 0; jj < NR; jj++) {
                int j = p * NR + jj;
                float v = 0f;
                if (j < n) {
                    long idx = transB ? (long) j * ldb + kk : (long) kk * ldb + j;
                    v = alpha * b.getAtIndex(Layouts.F32, idx);
                }
                pb[base + kk * NR + jj] = v;
            }
        }
    }

    /** pa[((tile - t0)·kc + kk)·4 + r] = A[tile·4 + r][k0 + kk], zero for rows past m. */
    private static void packA(MemorySegment a, int lda, int m, int t0, int t1, int k0, int kc, float[] pa) {
        for (int tile = t0; tile < t1; tile++) {
            int base = (tile - t0) * kc * MR;
            for (int r = 0; r < MR; r++) {
                int row = tile * MR + r;
                for (int kk = 0; kk < kc; kk++) {
                    pa[base + kk * MR + r] = row < m ? a.getAtIndex(Layouts.F32, (long) row * lda + k0 + kk) : 0f;
                }
            }
        }
    }

    private static void tile4(float[] pa, int aBase, int kc, float[] pb, int bBase, MemorySegment c, int ldc, int row0,
                              int rows, int j0, int cols, boolean first) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bBase + kk * NR);
            FloatVector b1 = FloatVector.fromArray(S, pb, bBase + kk * NR + 16);
            int ak = aBase + kk * MR;
            FloatVector x = FloatVector.broadcast(S, pa[ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ak + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ak + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ak + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c00, c01, c, ldc, row0, j0, cols, first);
        if (rows > 1) {
            store(c10, c11, c, ldc, row0 + 1, j0, cols, first);
        }
        if (rows > 2) {
            store(c20, c21, c, ldc, row0 + 2, j0, cols, first);
        }
        if (rows > 3) {
            store(c30, c31, c, ldc, row0 + 3, j0, cols, first);
        }
    }

    /**
     * Writes (first K block) or adds a row of the tile into C. Called after the inner loop so that C2 inlines the
     * loop's vector intrinsics first: with C loads before it the tile hit the inlining budget (measured 2x slower).
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

    /** Drops the packed-B buffer. */
    @Override
    public synchronized void close() {
        packedB = new float[0];
    }
}
