package jdit.backend.cuda;

import jdit.backend.Conv;
import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.backend.Epilogue;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * Convolutions as im2col plus a cuBLAS product, over chunks of output positions so the column buffer stays bounded
 * (a VAE decode at 480p would otherwise need gigabytes of columns). Handles strides, asymmetric time padding (Wan's
 * causal convolutions), dilation and groups; 2-D is 3-D with one frame.
 */
final class CudaConv implements Conv {
    private static final int BLOCK = 256;
    /** Column buffer budget in floats (256 MiB). */
    private static final long COLUMN_BUDGET = 64L << 20;
    private final CudaContext ctx;
    private final CudaGemm gemm;
    private final DeviceScratch columns;
    private final DeviceScratch products;

    CudaConv(CudaContext ctx, CudaGemm gemm) {
        this.ctx = ctx;
        this.gemm = gemm;
        this.columns = new DeviceScratch(ctx);
        this.products = new DeviceScratch(ctx);
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec s, Tensor out) {
        if (x.rank() != 4 || w.rank() != 4 || out.rank() != 4) {
            throw new IllegalArgumentException("conv2d needs x [N, C, H, W], w [O, C/groups, kh, kw], out [N, O, Ho, Wo]");
        }
        run(x.unsqueeze(2), w.unsqueeze(2), bias, out.unsqueeze(2), 1, s.strideH(), s.strideW(), 0, s.padH(), s.padW(), 1,
                s.dilationH(), s.dilationW(), s.groups());
    }

    @Override
    public void conv3d(Tensor x, Tensor w, Tensor bias, Conv3dSpec s, Tensor out) {
        if (x.rank() != 5 || w.rank() != 5 || out.rank() != 5) {
            throw new IllegalArgumentException("conv3d needs x [N, C, T, H, W], w [O, C, kt, kh, kw], out [N, O, To, Ho, Wo]");
        }
        long expectT = (x.dim(2) + s.padFront() + s.padBack() - w.dim(2)) / s.strideT() + 1;
        if (out.dim(2) != expectT) {
            throw new IllegalArgumentException("conv3d output has " + out.dim(2) + " frames, the spec gives " + expectT);
        }
        run(x, w, bias, out, s.strideT(), s.strideH(), s.strideW(), s.padFront(), s.padH(), s.padW(), 1, 1, 1, 1);
    }

    private void run(Tensor x, Tensor w, Tensor bias, Tensor out, int st, int sh, int sw, int padFront, int padH, int padW,
                     int dt, int dh, int dw, int groups) {
        Checks.onDevice(ctx, x, w, bias, out);
        Checks.f32(x, w, bias, out);
        Checks.contiguous("conv", x, w, bias, out);
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        int o = (int) w.dim(0);
        int kt = (int) w.dim(2);
        int kh = (int) w.dim(3);
        int kw = (int) w.dim(4);
        if (c % groups != 0 || o % groups != 0 || w.dim(1) != c / groups || out.dim(0) != n || out.dim(1) != o) {
            throw new IllegalArgumentException("conv shapes: x " + x.shape() + ", w " + w.shape() + ", out " + out.shape()
                    + ", groups " + groups);
        }
        int to = (int) out.dim(2);
        int ho = (int) out.dim(3);
        int wo = (int) out.dim(4);
        long positions = (long) to * ho * wo;
        int groupC = c / groups;
        int groupO = o / groups;
        long k = (long) groupC * kt * kh * kw;
        long chunk = Math.max(1, Math.min(positions, COLUMN_BUDGET / k));
        Tensor weights = w.reshape(o, k);
        for (int img = 0; img < n; img++) {
            for (int g = 0; g < groups; g++) {
                Tensor wg = weights.narrow(0, (long) g * groupO, groupO);
                for (long p0 = 0; p0 < positions; p0 += chunk) {
                    long count = Math.min(chunk, positions - p0);
                    Tensor cols = columns.get(DType.F32, k * count).reshape(k, count);
                    try (KernelArgs a = new KernelArgs()) {
                        a.tensor(x).tensor(cols).i32(c).i32((int) x.dim(2)).i32((int) x.dim(3)).i32((int) x.dim(4)).i32(kt).i32(kh)
                                .i32(kw).i32(st).i32(sh).i32(sw).i32(padFront).i32(padH).i32(padW).i32(dt).i32(dh).i32(dw)
                                .i32(to).i32(ho).i32(wo).i32(groupC).i32(g).i32(img).i64(p0).i64(count);
                        ctx.launch(ctx.function("ops.cu", "im2col3d_f32"), CudaContext.blocksFor(k * count, BLOCK), 1, 1, BLOCK, 0, a);
                    }
                    Tensor prod = products.get(DType.F32, (long) groupO * count).reshape(groupO, count);
                    gemm.matmul(wg, cols, prod, Epilogue.NONE);
                    try (KernelArgs a = new KernelArgs()) {
                        a.tensor(prod).tensor(bias).tensor(out).i32(o).i32(groupO).i32(g).i32(img).i64(positions).i64(p0).i64(count);
                        ctx.launch(ctx.function("ops.cu", "conv_scatter_f32"), CudaContext.blocksFor(groupO * count, BLOCK), 1, 1,
                                BLOCK, 0, a);
                    }
                }
            }
        }
    }
}
