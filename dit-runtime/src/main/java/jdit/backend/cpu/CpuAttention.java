package jdit.backend.cpu;

import jdit.attention.AttentionPlan;
import jdit.backend.Attention;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/**
 * Dense attention per (batch, head): gather the head's q, k, v rows into contiguous scratch, S = q·kᵀ·scale and
 * O = softmax(S)·v through the gemm, scatter O into its strided place. The score matrix is materialised, which is
 * fine at the token counts of images (DiT-XL/2 at 256 px: 256 x 256 per head); the block-sparse tiled kernel takes
 * its place for video.
 */
final class CpuAttention implements Attention, AutoCloseable {
    private final CpuGemm gemm;
    private final CpuPointwise pointwise;
    private final ScratchBuffer scratch = new ScratchBuffer();

    CpuAttention(CpuGemm gemm, CpuPointwise pointwise) {
        this.gemm = gemm;
        this.pointwise = pointwise;
    }

    @Override
    public synchronized void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out) {
        Attention.checkShapes(q, k, v, out);
        if (!(plan instanceof AttentionPlan.Dense)) {
            throw new IllegalArgumentException("the CPU attention kernel runs dense plans only so far, got " + plan);
        }
        long tq = q.dim(1);
        long tk = k.dim(1);
        long dh = q.dim(3);
        long floats = tq * dh * 2 + tk * dh * 2 + tq * tk;
        var seg = scratch.get(floats * 4);
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
