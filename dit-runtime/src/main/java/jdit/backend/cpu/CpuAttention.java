package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import jdit.attention.AttentionPlan;
import jdit.backend.Attention;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/**
 * Dense attention per (batch, head): S = q·kᵀ·scale, row softmax, O = S·v. With OpenBLAS the products read q, k, v
 * and write O in place through leading dimensions (no gathers), and the (batch, head) pairs run in parallel, one per
 * thread, with OpenBLAS single-threaded meanwhile: a 256 x 72 head is too small to split well across threads. The
 * scores are materialised one block of query rows at a time (about 8 MiB: all 256 rows of a DiT-XL/2 head, 256
 * of the 32,760 of a Wan2.1 video), so memory does not grow with the square of the sequence; the block-sparse
 * tiled kernel is the faster path for video. Without OpenBLAS the heads go through the gemm one by
 * one on gathered copies.
 */
final class CpuAttention implements Attention, AutoCloseable {
    private final CpuGemm gemm;
    private final CpuPointwise pointwise;
    private final OpenBlas blas;
    private final Parallel parallel;
    private final ScratchBuffer scratch = new ScratchBuffer();
    private final BlockSparseKernel blockSparse;

    CpuAttention(CpuGemm gemm, CpuPointwise pointwise, OpenBlas blas, Parallel parallel) {
        this.gemm = gemm;
        this.pointwise = pointwise;
        this.blas = blas;
        this.parallel = parallel;
        this.blockSparse = new BlockSparseKernel(blas, parallel);
    }

    private static void requireF32(Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.F32 || t.stride(3) != 1) {
                throw new IllegalArgumentException("block-sparse attention needs F32 tensors with unit stride in D, got " + t);
            }
        }
    }

    @Override
    public synchronized void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out, Tensor lse) {
        Attention.checkShapes(q, k, v, out, lse);
        if (plan instanceof AttentionPlan.BlockSparse || lse != null) {
            AttentionPlan.BlockSparse p = plan instanceof AttentionPlan.BlockSparse sp ? sp
                    : AttentionPlan.BlockSparse.all((int) q.dim(2), (int) q.dim(1), (int) k.dim(1), 128, 128);
            requireF32(q, k, v, out);
            blockSparse.run(q, k, v, p, scale, out, lse);
            return;
        }
        boolean unitRows = q.stride(3) == 1 && k.stride(3) == 1 && v.stride(3) == 1 && out.stride(3) == 1;
        boolean f32 = q.dtype() == DType.F32 && k.dtype() == DType.F32 && v.dtype() == DType.F32 && out.dtype() == DType.F32;
        if (blas != null && unitRows && f32) {
            inPlace(q, k, v, scale, out);
        } else {
            gathered(q, k, v, scale, out);
        }
    }

    private static MemorySegment head(Tensor t, long b, long h) {
        return t.segment().asSlice((t.offset() + b * t.stride(0) + h * t.stride(2)) * 4);
    }

    /** Query rows per score block: the block of scores stays near 8 MiB, whatever the key count. */
    static int rowsPerBlock(long tq, long tk) {
        return (int) Math.max(1, Math.min(tq, (8L << 20) / (4 * Math.max(tk, 1))));
    }

    private void inPlace(Tensor q, Tensor k, Tensor v, float scale, Tensor out) {
        int tq = (int) q.dim(1);
        int tk = (int) k.dim(1);
        int dh = (int) q.dim(3);
        long heads = q.dim(2);
        int rows = rowsPerBlock(tq, tk);
        int blocks = (tq + rows - 1) / rows;
        long tasks = q.dim(0) * heads * blocks;
        int threads = parallel.threads();
        long scoreBytes = (long) rows * tk * 4;
        MemorySegment scores = scratch.get(scoreBytes * threads);
        if (threads > 1) {
            blas.setThreads(1);
        }
        try {
            parallel.forEach(threads, w -> {
                MemorySegment s = scores.asSlice(w * scoreBytes, scoreBytes);
                for (long task = w; task < tasks; task += threads) {
                    long bh = task / blocks;
                    long b = bh / heads;
                    long h = bh % heads;
                    int r0 = (int) (task % blocks) * rows;
                    int m = Math.min(rows, tq - r0);
                    MemorySegment qh = head(q, b, h).asSlice((long) r0 * q.stride(1) * 4);
                    MemorySegment oh = head(out, b, h).asSlice((long) r0 * out.stride(1) * 4);
                    blas.sgemm(true, m, tk, dh, scale, qh, (int) q.stride(1), head(k, b, h), (int) k.stride(1), 0f, s, tk);
                    for (long r = 0; r < m; r++) {
                        MemorySegment row = s.asSlice(r * tk * 4, (long) tk * 4);
                        RowSoftmax.row(row, row, 0, tk, 1f);
                    }
                    blas.sgemm(false, m, dh, tk, 1f, s, tk, head(v, b, h), (int) v.stride(1), 0f, oh, (int) out.stride(1));
                }
            });
        } finally {
            if (threads > 1) {
                blas.setThreads(threads);
            }
        }
    }

    private void gathered(Tensor q, Tensor k, Tensor v, float scale, Tensor out) {
        long tq = q.dim(1);
        long tk = k.dim(1);
        long dh = q.dim(3);
        long rows = rowsPerBlock(tq, tk);
        long floats = rows * dh * 2 + tk * dh * 2 + rows * tk;
        MemorySegment seg = scratch.get(floats * 4);
        Tensor kh = Tensor.of(seg.asSlice(0, tk * dh * 4), DType.F32, Shape.of(tk, dh));
        Tensor vh = Tensor.of(seg.asSlice(tk * dh * 4, tk * dh * 4), DType.F32, Shape.of(tk, dh));
        long base = 2 * tk * dh * 4;
        Epilogue scoreEpilogue = new Epilogue(null, UnaryOp.IDENTITY, null, scale, true);
        for (long b = 0; b < q.dim(0); b++) {
            for (long h = 0; h < q.dim(2); h++) {
                k.select(0, b).select(1, h).copyTo(kh);
                v.select(0, b).select(1, h).copyTo(vh);
                for (long r0 = 0; r0 < tq; r0 += rows) {
                    long m = Math.min(rows, tq - r0);
                    Tensor qh = Tensor.of(seg.asSlice(base, m * dh * 4), DType.F32, Shape.of(m, dh));
                    Tensor oh = Tensor.of(seg.asSlice(base + rows * dh * 4, m * dh * 4), DType.F32, Shape.of(m, dh));
                    Tensor s = Tensor.of(seg.asSlice(base + 2 * rows * dh * 4, m * tk * 4), DType.F32, Shape.of(m, tk));
                    q.select(0, b).select(1, h).narrow(0, r0, m).copyTo(qh);
                    gemm.matmul(qh, kh, s, scoreEpilogue);
                    pointwise.softmax(s, 1f, s);
                    gemm.matmul(s, vh, oh, Epilogue.NONE);
                    oh.copyTo(out.select(0, b).select(1, h).narrow(0, r0, m));
                }
            }
        }
    }

    @Override
    public void close() {
        blockSparse.close();
        scratch.close();
    }
}
