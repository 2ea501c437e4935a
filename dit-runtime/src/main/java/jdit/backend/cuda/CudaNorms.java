package jdit.backend.cuda;

import jdit.backend.Norms;
import jdit.tensor.Tensor;

/** Norms with one CTA per row (or per group), statistics in double. Contiguous tensors. */
final class CudaNorms implements Norms {
    private static final int BLOCK = 256;
    private final CudaContext ctx;

    CudaNorms(CudaContext ctx) {
        this.ctx = ctx;
    }

    private static void affine(String what, Tensor t, long c) {
        if (t != null && t.numel() != c) {
            throw new IllegalArgumentException(what + " must have " + c + " elements, got " + t.shape());
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
        Checks.onDevice(ctx, x, weight, bias, out);
        Checks.f32(x, weight, bias, out);
        Checks.sameShape("layerNorm", x, out);
        Checks.contiguous("layerNorm", x, weight, bias, out);
        int c = (int) x.dim(x.rank() - 1);
        affine("weight", weight, c);
        affine("bias", bias, c);
        long rows = x.numel() / c;
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(x).tensor(weight).tensor(bias).f32(eps).tensor(out).i64(rows).i32(c);
            ctx.launch(ctx.function("ops.cu", "layer_norm_f32"), CudaContext.blocksFor(rows, 1), 1, 1, BLOCK, 0, a);
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        Checks.onDevice(ctx, x, weight, out);
        Checks.f32(x, weight, out);
        Checks.sameShape("rmsNorm", x, out);
        Checks.contiguous("rmsNorm", x, weight, out);
        int c = (int) x.dim(x.rank() - 1);
        affine("weight", weight, c);
        long rows = x.numel() / c;
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(x).tensor(weight).f32(eps).tensor(out).i64(rows).i32(c);
            ctx.launch(ctx.function("ops.cu", "rms_norm_f32"), CudaContext.blocksFor(rows, 1), 1, 1, BLOCK, 0, a);
        }
    }

    @Override
    public void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor out) {
        Checks.onDevice(ctx, x, weight, bias, out);
        Checks.f32(x, weight, bias, out);
        Checks.sameShape("groupNorm", x, out);
        Checks.contiguous("groupNorm", x, weight, bias, out);
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        if (groups < 1 || c % groups != 0) {
            throw new IllegalArgumentException(c + " channels do not split into " + groups + " groups");
        }
        affine("weight", weight, c);
        affine("bias", bias, c);
        long spatial = x.numel() / ((long) n * c);
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(x).tensor(weight).tensor(bias).f32(eps).tensor(out).i32(n).i32(c).i64(spatial).i32(groups);
            ctx.launch(ctx.function("ops.cu", "group_norm_f32"), CudaContext.blocksFor((long) n * groups, 1), 1, 1, BLOCK, 0, a);
        }
    }
}
