package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.attention.TileDecisions;
import jdit.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Block-sparse flash attention on the CPU. A task is one (batch, head, query block); the workers claim tasks in
 * turn and each keeps its tiles in its own scratch: the query block, then for every active key block in ascending
 * order (a fixed order, so results do not depend on threads) the gathered K and V tiles, S = Q·Kᵀ·scale with masked
 * pairs of PARTIAL tiles at −inf, the online-softmax update and O += P·V; finally O / l is scattered to the output
 * and, when asked, the log-sum-exp m + ln l (so that attention over parts of the keys can be merged exactly). With
 * OpenBLAS the tile products are single-threaded {@code sgemm} calls (the tasks already use every thread); without,
 * Vector API loops.
 */
final class BlockSparseKernel implements AutoCloseable {
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final double LOG2E = 1 / Math.log(2);
    private final OpenBlas blas;
    private final Parallel parallel;
    private final ScratchBuffer scratch = new ScratchBuffer();

    BlockSparseKernel(OpenBlas blas, Parallel parallel) {
        this.blas = blas;
        this.parallel = parallel;
    }

    /** q, out [B, Tq, H, D] and k, v [B, Tk, H, D], unit stride in D; lse null or [B, H, Tq] F32 contiguous. */
    synchronized void run(Tensor q, Tensor k, Tensor v, AttentionPlan.BlockSparse plan, float scale, Tensor out, Tensor lse) {
        int tq = (int) q.dim(1);
        int tk = (int) k.dim(1);
        int heads = (int) q.dim(2);
        int d = (int) q.dim(3);
        if (plan.queries() != tq || plan.keys() != tk || plan.heads().size() != heads) {
            throw new IllegalArgumentException("plan for " + plan.heads().size() + " heads, " + plan.queries() + " x "
                    + plan.keys() + " tokens against q " + q.shape() + " and k " + k.shape());
        }
        int bq = plan.queryBlock();
        int bk = plan.keyBlock();
        int qBlocks = (tq + bq - 1) / bq;
        int tasks = (int) (q.dim(0) * heads * qBlocks);
        int threads = parallel.threads();
        long perWorker = 4L * ((long) bq * d * 2 + (long) bk * d * 2 + (long) bq * bk);
        MemorySegment all = scratch.get(perWorker * threads);
        AtomicInteger next = new AtomicInteger();
        if (blas != null && threads > 1) {
            blas.setThreads(1);
        }
        try {
            parallel.forEach(threads, w -> {
                Tiles t = new Tiles(all.asSlice(w * perWorker, perWorker), bq, bk, d);
                for (int task; (task = next.getAndIncrement()) < tasks; ) {
                    int qb = task % qBlocks;
                    int bh = task / qBlocks;
                    runTask(q, k, v, out, lse, plan, scale, bh / heads, bh % heads, qb, t);
                }
            });
        } finally {
            if (blas != null && threads > 1) {
                blas.setThreads(threads);
            }
        }
    }

    /** One worker's tiles: Q [bq, D], K and V [bk, D], S [bq, bk], O [bq, D], and the rows' running (m, l). */
    private record Tiles(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment s, MemorySegment o, float[] m,
                         float[] l) {
        Tiles(MemorySegment seg, int bq, int bk, int d) {
            this(seg.asSlice(0, 4L * bq * d), seg.asSlice(4L * bq * d, 4L * bk * d), seg.asSlice(4L * (bq + bk) * d, 4L * bk * d),
                    seg.asSlice(4L * (bq + 2L * bk) * d, 4L * bq * bk), seg.asSlice(4L * ((bq + 2L * bk) * d + (long) bq * bk),
                            4L * bq * d), new float[bq], new float[bq]);
        }
    }

    /** The token at position {@code pos} of a head's order (identity without one). */
    private static int token(int[] order, int pos) {
        return order == null ? pos : order[pos];
    }

    private static long rowOffset(Tensor t, long b, long token, long h) {
        return 4 * (t.offset() + b * t.stride(0) + token * t.stride(1) + h * t.stride(2));
    }

    private void runTask(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, AttentionPlan.BlockSparse plan, float scale,
                         int b, int h, int qb, Tiles t) {
        int d = (int) q.dim(3);
        int tk = (int) k.dim(1);
        int r0 = qb * plan.queryBlock();
        int rows = Math.min(plan.queryBlock(), (int) q.dim(1) - r0);
        // with OpenBLAS the products read Q, K and V where they lie (leading dimension = token stride); the
        // Vector API loops read gathered tiles
        int[] order = plan.headOrders() == null ? null : plan.headOrders()[b * (int) q.dim(2) + h];
        boolean inPlace = blas != null && order == null;
        MemorySegment qTile = inPlace ? q.segment().asSlice(rowOffset(q, b, r0, h)) : t.q();
        int ldq = inPlace ? (int) q.stride(1) : d;
        if (!inPlace) {
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(q.segment(), rowOffset(q, b, token(order, r0 + i), h), t.q(), 4L * i * d, 4L * d);
            }
        }
        Arrays.fill(t.m(), Float.NEGATIVE_INFINITY);
        Arrays.fill(t.l(), 0f);
        t.o().asSlice(0, 4L * rows * d).fill((byte) 0);
        HeadBlocks hb = plan.heads().get(h);
        ElementMask mask = plan.mask();
        TileDecisions decisions = plan.decisions();
        boolean descending = decisions != null;
        boolean ragged = rows < plan.queryBlock();
        int visits = hb.end(qb) - hb.start(qb);
        for (int visit = 0; visit < visits; visit++) {
            int a = descending ? hb.end(qb) - 1 - visit : hb.start(qb) + visit;
            int c0 = hb.col(a) * plan.keyBlock();
            int cols = Math.min(plan.keyBlock(), tk - c0);
            MemorySegment kTile = inPlace ? k.segment().asSlice(rowOffset(k, b, c0, h)) : t.k();
            MemorySegment vTile = inPlace ? v.segment().asSlice(rowOffset(v, b, c0, h)) : t.v();
            int ldk = inPlace ? (int) k.stride(1) : d;
            int ldv = inPlace ? (int) v.stride(1) : d;
            if (!inPlace) {
                for (int j = 0; j < cols; j++) {
                    MemorySegment.copy(k.segment(), rowOffset(k, b, token(order, c0 + j), h), t.k(), 4L * j * d, 4L * d);
                    MemorySegment.copy(v.segment(), rowOffset(v, b, token(order, c0 + j), h), t.v(), 4L * j * d, 4L * d);
                }
            }
            scores(t, qTile, ldq, kTile, ldk, rows, cols, d, scale);
            if (hb.partial(a)) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        if (!mask.allowed(r0 + i, c0 + j)) {
                            t.s().setAtIndex(Layouts.F32, (long) i * cols + j, Float.NEGATIVE_INFINITY);
                        }
                    }
                }
            }
            if (decisions != null && visit > 0) {
                decisions.set(b, h, qb, hb.col(a), !ragged && negligible(t, rows, cols, decisions.thresholdLog2()) ? (byte) 1 : 0);
            }
            for (int i = 0; i < rows; i++) {
                float alpha = OnlineSoftmax.update(t.s(), 4L * i * cols, cols, t.m(), t.l(), i);
                if (alpha != 1f) {
                    scaleRow(t.o(), 4L * i * d, d, alpha);
                }
            }
            accumulate(t, vTile, ldv, rows, cols, d);
        }
        for (int i = 0; i < rows; i++) {
            float inv = t.l()[i] == 0 ? 0f : 1f / t.l()[i];
            scaleRow(t.o(), 4L * i * d, d, inv);
            int tok = token(order, r0 + i);
            MemorySegment.copy(t.o(), 4L * i * d, out.segment(), rowOffset(out, b, tok, h), 4L * d);
            if (lse != null) {
                float value = t.l()[i] == 0 ? Float.NEGATIVE_INFINITY : t.m()[i] + (float) Math.log(t.l()[i]);
                lse.segment().setAtIndex(Layouts.F32, lse.offset() + ((long) b * q.dim(2) + h) * q.dim(1) + tok, value);
            }
        }
    }

    /**
     * LiteAttention's test on a scaled score tile before it enters the running state: negligible iff for every row
     * (tile max − running max)·log2(e) <= thr.
     */
    private static boolean negligible(Tiles t, int rows, int cols, double thr) {
        for (int i = 0; i < rows; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, t.s().getAtIndex(Layouts.F32, (long) i * cols + j));
            }
            if ((max - (double) t.m()[i]) * LOG2E > thr) {
                return false;
            }
        }
        return true;
    }

    /** S [rows, cols] = scale · Q [rows, d] · K [cols, d]ᵀ (leading dimensions ldq, ldk with OpenBLAS). */
    private void scores(Tiles t, MemorySegment qTile, int ldq, MemorySegment kTile, int ldk, int rows, int cols, int d,
                        float scale) {
        if (blas != null) {
            blas.sgemm(true, rows, cols, d, scale, qTile, ldq, kTile, ldk, 0f, t.s(), cols);
            return;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t.s().setAtIndex(Layouts.F32, (long) i * cols + j, scale * dot(t.q(), 4L * i * d, t.k(), 4L * j * d, d));
            }
        }
    }

    /** O [rows, d] += P [rows, cols] · V [cols, d] (leading dimension ldv with OpenBLAS). */
    private void accumulate(Tiles t, MemorySegment vTile, int ldv, int rows, int cols, int d) {
        if (blas != null) {
            blas.sgemm(false, rows, d, cols, 1f, t.s(), cols, vTile, ldv, 1f, t.o(), d);
            return;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float p = t.s().getAtIndex(Layouts.F32, (long) i * cols + j);
                if (p != 0f) {
                    axpy(p, t.v(), 4L * j * d, t.o(), 4L * i * d, d);
                }
            }
        }
    }

    private static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector acc = FloatVector.zero(SP);
        int i = 0;
        for (int bound = n - n % SP.length(); i < bound; i += SP.length()) {
            acc = FloatVector.fromMemorySegment(SP, a, ao + 4L * i, LE).fma(FloatVector.fromMemorySegment(SP, b, bo + 4L * i, LE), acc);
        }
        double s = Lanes.sum(acc);
        for (; i < n; i++) {
            s += a.get(Layouts.F32, ao + 4L * i) * b.get(Layouts.F32, bo + 4L * i);
        }
        return (float) s;
    }

    private static void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = 0;
        for (int bound = n - n % SP.length(); i < bound; i += SP.length()) {
            FloatVector.fromMemorySegment(SP, x, xo + 4L * i, LE)
                    .fma(FloatVector.broadcast(SP, alpha), FloatVector.fromMemorySegment(SP, y, yo + 4L * i, LE))
                    .intoMemorySegment(y, yo + 4L * i, LE);
        }
        for (; i < n; i++) {
            y.set(Layouts.F32, yo + 4L * i, alpha * x.get(Layouts.F32, xo + 4L * i) + y.get(Layouts.F32, yo + 4L * i));
        }
    }

    private static void scaleRow(MemorySegment o, long off, int n, float f) {
        int i = 0;
        for (int bound = n - n % SP.length(); i < bound; i += SP.length()) {
            FloatVector.fromMemorySegment(SP, o, off + 4L * i, LE).mul(f).intoMemorySegment(o, off + 4L * i, LE);
        }
        for (; i < n; i++) {
            o.set(Layouts.F32, off + 4L * i, o.get(Layouts.F32, off + 4L * i) * f);
        }
    }

    @Override
    public void close() {
        scratch.close();
    }
}
