package jdit.backend.cuda;

import jdit.backend.BinaryOp;
import jdit.backend.Broadcasting;
import jdit.backend.Pointwise;
import jdit.backend.RopeStyle;
import jdit.backend.UnaryOp;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/** Element-wise ops as grid-stride kernels over strided, broadcast operands; row ops on contiguous rows. */
final class CudaPointwise implements Pointwise {
    private static final int BLOCK = 256;
    private final CudaContext ctx;

    CudaPointwise(CudaContext ctx) {
        this.ctx = ctx;
    }

    private void elementwise(String kernel, Tensor out, KernelArgs a) {
        long n = out.numel();
        a.tensor(out).struct(Structs.desc(out, out.shape())).i64(n);
        ctx.launch(ctx.function("ops.cu", kernel), CudaContext.blocksFor(n, BLOCK), 1, 1, BLOCK, 0, a);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        Checks.onDevice(ctx, x, out);
        Checks.f32(x, out);
        Checks.sameShape("unary", x, out);
        try (KernelArgs a = new KernelArgs()) {
            a.i32(op.ordinal()).tensor(x).struct(Structs.desc(x, out.shape()));
            elementwise("unary_f32", out, a);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Checks.onDevice(ctx, a, b, out);
        Checks.f32(a, b, out);
        Broadcasting.check(a.shape(), out.shape(), "a");
        Broadcasting.check(b.shape(), out.shape(), "b");
        try (KernelArgs k = new KernelArgs()) {
            k.i32(op.ordinal()).tensor(a).struct(Structs.desc(a, out.shape())).tensor(b).struct(Structs.desc(b, out.shape()));
            elementwise("binary_f32", out, k);
        }
    }

    @Override
    public void scaleAdd(Tensor a, float alpha, Tensor b, float beta, Tensor out) {
        Checks.onDevice(ctx, a, b, out);
        Checks.f32(a, b, out);
        Checks.sameShape("scaleAdd", a, out);
        Checks.sameShape("scaleAdd", b, out);
        try (KernelArgs k = new KernelArgs()) {
            k.tensor(a).struct(Structs.desc(a, out.shape())).f32(alpha).tensor(b).struct(Structs.desc(b, out.shape())).f32(beta);
            elementwise("scale_add_f32", out, k);
        }
    }

    /** [B, C] seen as [B, 1, C] against a [B, N, C] output; [B, N, C] as it is. */
    private static Tensor perRow(Tensor t, Shape out, String what) {
        Tensor v = t.rank() == 2 ? t.unsqueeze(1) : t;
        if (v.rank() != 3 || v.dim(0) != out.dim(0) || v.dim(2) != out.dim(2) || (v.dim(1) != 1 && v.dim(1) != out.dim(1))) {
            throw new IllegalArgumentException(what + " must be [B, C] or [B, N, C] for " + out + ", got " + t.shape());
        }
        return v;
    }

    @Override
    public void modulate(Tensor x, Tensor shift, Tensor scale, Tensor out) {
        Checks.onDevice(ctx, x, shift, scale, out);
        Checks.f32(x, shift, scale, out);
        Checks.sameShape("modulate", x, out);
        Tensor s = perRow(shift, out.shape(), "shift");
        Tensor c = perRow(scale, out.shape(), "scale");
        try (KernelArgs k = new KernelArgs()) {
            k.tensor(x).struct(Structs.desc(x, out.shape())).tensor(s).struct(Structs.desc(s, out.shape()))
                    .tensor(c).struct(Structs.desc(c, out.shape()));
            elementwise("modulate_f32", out, k);
        }
    }

    @Override
    public void gatedAdd(Tensor x, Tensor y, Tensor gate, Tensor out) {
        Checks.onDevice(ctx, x, y, gate, out);
        Checks.f32(x, y, gate, out);
        Checks.sameShape("gatedAdd", x, out);
        Checks.sameShape("gatedAdd", y, out);
        Tensor g = perRow(gate, out.shape(), "gate");
        try (KernelArgs k = new KernelArgs()) {
            k.tensor(x).struct(Structs.desc(x, out.shape())).tensor(y).struct(Structs.desc(y, out.shape()))
                    .tensor(g).struct(Structs.desc(g, out.shape()));
            elementwise("gated_add_f32", out, k);
        }
    }

    @Override
    public void softmax(Tensor x, float scale, Tensor out) {
        Checks.onDevice(ctx, x, out);
        Checks.f32(x, out);
        Checks.sameShape("softmax", x, out);
        Checks.contiguous("softmax", x, out);
        int n = (int) x.dim(x.rank() - 1);
        long rows = x.numel() / Math.max(n, 1);
        try (KernelArgs k = new KernelArgs()) {
            k.tensor(x).f32(scale).tensor(out).i64(rows).i32(n);
            ctx.launch(ctx.function("ops.cu", "softmax_f32"), CudaContext.blocksFor(rows, 1), 1, 1, BLOCK, 0, k);
        }
    }

    @Override
    public void rope(Tensor x, Tensor cos, Tensor sin, RopeStyle style, Tensor out) {
        Checks.onDevice(ctx, x, cos, sin, out);
        Checks.f32(x, cos, sin, out);
        Checks.sameShape("rope", x, out);
        Checks.contiguous("rope", x, cos, sin, out);
        int r = x.rank();
        if (r < 3) {
            throw new IllegalArgumentException("rope needs x [..., S, H, D], got " + x.shape());
        }
        int seq = (int) x.dim(r - 3);
        int heads = (int) x.dim(r - 2);
        int dim = (int) x.dim(r - 1);
        if (dim % 2 != 0 || cos.numel() != (long) seq * (dim / 2) || sin.numel() != cos.numel()) {
            throw new IllegalArgumentException("rope needs an even D and cos, sin [S, D/2] = [" + seq + ", " + dim / 2
                    + "], got x " + x.shape() + ", cos " + cos.shape());
        }
        long outer = x.numel() / ((long) seq * heads * dim);
        long pairs = x.numel() / 2;
        try (KernelArgs k = new KernelArgs()) {
            k.tensor(x).tensor(cos).tensor(sin).i32(style == RopeStyle.INTERLEAVED ? 0 : 1).tensor(out).i64(outer).i32(seq)
                    .i32(heads).i32(dim);
            ctx.launch(ctx.function("ops.cu", "rope_f32"), CudaContext.blocksFor(pairs, BLOCK), 1, 1, BLOCK, 0, k);
        }
    }
}
