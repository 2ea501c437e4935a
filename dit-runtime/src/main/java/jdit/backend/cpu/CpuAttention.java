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
 * score matrix is materialised, which suits the token counts of images (DiT-XL/2 at 256 px: 256 x 256 per head);
 * the block-sparse tiled kernel takes its place for video. Without OpenBLAS the heads go through the gemm one by
 * one on gathered copies.
 */
final class CpuAttention implements Attention, AutoCloseable {
    private final CpuGemm gemm;
    private final CpuPointwise pointwise;
    private final OpenBlas blas;
    private final Parallel parallel;
    private final ScratchBuffer scratch = new ScratchBuffer();

    CpuAttention(CpuGemm gemm, CpuPointwise pointwise, OpenBlas blas, Parallel parallel) {
        this.gemm = gemm;
        this.pointwise = pointwise;
        this.blas = blas;
        this.parallel = parallel;
    }

    @Override
    public synchronized void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out) {
        Attention.checkShapes(q, k, v, out);
        if (!(plan instanceof AttentionPlan.Dense)) {
            throw new IllegalArgumentException("the CPU attention kernel runs dense plans only so far, got " + plan);
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

    private void inPlace(Tensor q, Tensor k, Tensor v, float scale, Tensor out) {
        int tq = (int) q.dim(1);
        int tk = (int) k.dim(1);
        int dh = (int) q.dim(3);
        long heads = q.dim(2);
        int tasks = (int) (q.dim(0) * heads);
        int threads = parallel.threads();
        long scoreBytes = (long) tq * tk * 4;
        MemorySegment scores = scratch.get(scoreBytes * threads);
        if (threads > 1) {
            blas.setThreads(1);
        }
        try {
            parallel.forEach(threads, w -> {
                MemorySegment s = scores.asSlice(w * scoreBytes, scoreBytes);
                for (int task = w; task < tasks; task += threads) {
                    long b = task / heads;
                    long h = task % heads;
                    blas.sgemm(true, tq, tk, dh, scale, head(q, b, h), (int) q.stride(1), head(k, b, h), (int) k.stride(1),
                            0f, s, tk);
                    for (long r = 0; r < tq; r++) {
                        MemorySegment row = s.asSlice(r * tk * 4, (long) tk * 4);
                        RowSoftmax.row(row, row, 0, tk, 1f);
                    }
                    blas.sgemm(false, tq, dh, tk, 1f, s, tk, head(v, b, h), (int) v.stride(1), 0f, head(out, b, h),
                            (int) out.stride(1));
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
        long floats = tq * dh * 2 + tk * dh * 2 + tq * tk;
        MemorySegment seg = scratch.get(floats * 4);
        Tensor qh = Tensor.of(seg.asSlice(0, tq * dh * 4), DType.F32, Shape.of(tq, dh));
        Tensor kh = Tensor.of(seg.asSlice(tq * dh * 4, tk * dh * 4), DType.F32, Shape.of(tk, dh));
        Tensor vh = Tensor.of(seg.asSlice((tq + tk) * dh * 4, tk * dh * 4), DType.F32, Shape.of(tk, dh));
        Tensor oh = Tensor.of(seg.asSlice((tq + 2 * tk) * dh * 4, tq * dh * 4), DType.F32, Shape.of(tq, dh));
        Tensor s = Tensor.of(seg.asSlice((2 * tq + 2 * tk) * dh * 4, tq * tk * 4), DType.F32, Shape.of(tq, tk));
        Epilogue scoreEpilogue = new Epilogue(null, UnaryOp.IDENTITY, null, scale, true);
        for (long b = 0; b < q.dim(0); b++) {
            for (long h = 0; h < q.dim(2); h++) {
                q.select(0, b).select(1, h).copyTo(qh);
                k.select(0, b).select(1, h).copyTo(kh);
                v.select(0, b).select(1, h).copyTo(vh);
                gemm.matmul(qh, kh, s, scoreEpilogue);
                pointwise.softmax(s, 1f, s);
                gemm.matmul(s, vh, oh, Epilogue.NONE);
                oh.copyTo(out.select(0, b).select(1, h));
            }
        }
    }

    @Override
    public void close() {
        scratch.close();
    }
}
