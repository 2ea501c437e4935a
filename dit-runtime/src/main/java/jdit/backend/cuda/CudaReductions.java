package jdit.backend.cuda;

import jdit.backend.Reductions;
import jdit.backend.ReduceOp;
import jdit.tensor.Tensor;

/** Reductions along one axis of a contiguous tensor, one thread per output element, sums in double. */
final class CudaReductions implements Reductions {
    private static final int BLOCK = 256;
    private final CudaContext ctx;

    CudaReductions(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        Checks.onDevice(ctx, x, out);
        Checks.f32(x, out);
        Checks.contiguous("reduce", x, out);
        int a = axis < 0 ? axis + x.rank() : axis;
        if (a < 0 || a >= x.rank()) {
            throw new IllegalArgumentException("axis " + axis + " of " + x.shape());
        }
        long len = x.dim(a);
        long outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= x.dim(i);
        }
        long inner = x.numel() / (outer * Math.max(len, 1));
        if (out.numel() != outer * inner || len == 0) {
            throw new IllegalArgumentException("reducing " + x.shape() + " along " + a + " gives " + outer * inner
                    + " elements, out is " + out.shape());
        }
        try (KernelArgs k = new KernelArgs()) {
            k.i32(op.ordinal()).tensor(x).tensor(out).i64(outer).i64(len).i64(inner);
            ctx.launch(ctx.function("ops.cu", "reduce_f32"), CudaContext.blocksFor(outer * inner, BLOCK), 1, 1, BLOCK, 0, k);
        }
    }
}
