package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import jdit.backend.Conv;
import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.backend.Epilogue;
import jdit.backend.Gemm;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * Convolutions as im2col plus one gemm per (batch, group): {@code out[og, P] = W[og, C/g·k] · col[C/g·k, P]}, with P
 * the output positions. 2-D is the 3-D case with one frame and no time padding, so there is one im2col.
 */
public final class CpuConv implements Conv, AutoCloseable {
    private final Gemm gemm;
    private final Parallel parallel;
    /** Bytes of im2col columns per block of output positions, by default. */
    static final long COLUMN_BYTES = 64L << 20;
    private final long columnBytes;
    private final ScratchBuffer columns = new ScratchBuffer();
    private final ScratchBuffer blockOut = new ScratchBuffer();

    public CpuConv(Gemm gemm, Parallel parallel) {
        this(gemm, parallel, COLUMN_BYTES);
    }

    /** With a given column budget per block (tests use a small one to exercise the blocking). */
    CpuConv(Gemm gemm, Parallel parallel, long columnBytes) {
        this.gemm = gemm;
        this.parallel = parallel;
        this.columnBytes = columnBytes;
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec s, Tensor out) {
        require(x.rank() == 4 && w.rank() == 4 && out.rank() == 4, "conv2d needs x [N,C,H,W], w [O,C/g,kh,kw], out [N,O,Ho,Wo]", x, w, out);
        Geometry g = new Geometry(x.dim(1), 1, x.dim(2), x.dim(3), 1, w.dim(2), w.dim(3), 1, s.strideH(), s.strideW(),
                0, 0, s.padH(), s.padW(), 1, s.dilationH(), s.dilationW(), s.groups());
        run(x.unsqueeze(2), w.unsqueeze(2), bias, g, out.unsqueeze(2), x, w, out);
    }

    @Override
    public void conv3d(Tensor x, Tensor w, Tensor bias, Conv3dSpec s, Tensor out) {
        require(x.rank() == 5 && w.rank() == 5 && out.rank() == 5, "conv3d needs x [N,C,T,H,W], w [O,C,kt,kh,kw], out [N,O,To,Ho,Wo]", x, w, out);
        Geometry g = new Geometry(x.dim(1), x.dim(2), x.dim(3), x.dim(4), w.dim(2), w.dim(3), w.dim(4), s.strideT(),
                s.strideH(), s.strideW(), s.padFront(), s.padBack(), s.padH(), s.padW(), 1, 1, 1, 1);
        if (x.dim(2) + s.padFront() + s.padBack() < w.dim(2)) {
            throw new IllegalArgumentException("conv3d: " + x.dim(2) + " frames plus padding are fewer than the kernel's " + w.dim(2));
        }
        run(x, w, bias, g, out, x, w, out);
    }

    /** Sizes of one convolution over (T, H, W); 2-D convolutions have T = kt = 1. */
    private record Geometry(long c, long t, long h, long w, long kt, long kh, long kw, int st, int sh, int sw,
                            int pt, int pb, int ph, int pw, int dt, int dh, int dw, int groups) {
        long cg() {
            return c / groups;
        }

        long k() {
            return cg() * kt * kh * kw;
        }
    }

    private synchronized void run(Tensor x, Tensor w, Tensor bias, Geometry g, Tensor out, Tensor ox, Tensor ow, Tensor oo) {
        long n = x.dim(0), o = w.dim(0), to = out.dim(2), ho = out.dim(3), wo = out.dim(4);
        require(x.dtype() == DType.F32 && w.dtype() == DType.F32 && out.dtype() == DType.F32 && x.isContiguous()
                && w.isContiguous() && out.isContiguous(), "conv needs contiguous F32 tensors", ox, ow, oo);
        require(g.c() % g.groups() == 0 && o % g.groups() == 0 && w.dim(1) == g.cg() && out.dim(1) == o && out.dim(0) == n
                && to == (g.t() + g.pt() + g.pb() - g.dt() * (g.kt() - 1) - 1) / g.st() + 1
                && ho == (g.h() + 2L * g.ph() - g.dh() * (g.kh() - 1) - 1) / g.sh() + 1
                && wo == (g.w() + 2L * g.pw() - g.dw() * (g.kw() - 1) - 1) / g.sw() + 1,
                "conv shapes do not agree (groups " + g.groups() + ")", ox, ow, oo);
        long p = to * ho * wo;
        long og = o / g.groups();
        // im2col one block of output positions at a time, so the columns stay near COLUMN_BYTES whatever the video size
        long block = Math.max(1, Math.min(p, columnBytes / (4 * g.k())));
        MemorySegment xs = x.data();
        for (long b = 0; b < n; b++) {
            for (int gi = 0; gi < g.groups(); gi++) {
                long base = (b * g.c() + gi * g.cg()) * g.t() * g.h() * g.w();
                Tensor wg = w.narrow(0, gi * og, og).reshape(og, g.k()); // [og, C/g·kt·kh·kw]
                Tensor og2 = out.select(0, b).narrow(0, gi * og, og).reshape(og, p); // [og, To·Ho·Wo]
                for (long p0 = 0; p0 < p; p0 += block) {
                    long m = Math.min(block, p - p0);
                    Tensor col = Tensor.of(columns.get(g.k() * m * 4), DType.F32, jdit.tensor.Shape.of(g.k(), m));
                    im2col(xs, base, g, ho, wo, p0, m, col.data());
                    if (m == p) {
                        gemm.matmul(wg, col, og2, Epilogue.NONE);
                    } else {
                        Tensor part = Tensor.of(blockOut.get(og * m * 4), DType.F32, jdit.tensor.Shape.of(og, m));
                        gemm.matmul(wg, col, part, Epilogue.NONE);
                        part.copyTo(og2.narrow(1, p0, m));
                    }
                }
                if (bias != null) {
                    addBias(og2, bias.narrow(0, gi * og, og));
                }
            }
        }
    }

    /** Columns for output positions [p0, p0 + m) (position = (z·Ho + y)·Wo + x): row r of K holds one kernel tap. */
    private void im2col(MemorySegment x, long base, Geometry g, long ho, long wo, long p0, long m, MemorySegment col) {
        parallel.forEach((int) g.k(), row -> {
            long kx = row % g.kw();
            long ky = (row / g.kw()) % g.kh();
            long kz = (row / (g.kw() * g.kh())) % g.kt();
            long ch = row / (g.kw() * g.kh() * g.kt());
            long dst = (long) row * m;
            long xx = p0 % wo;
            long y = (p0 / wo) % ho;
            long z = p0 / (wo * ho);
            for (long i = 0; i < m; i++) {
                long iz = z * g.st() - g.pt() + kz * g.dt();
                long iy = y * g.sh() - g.ph() + ky * g.dh();
                long ix = xx * g.sw() - g.pw() + kx * g.dw();
                boolean inside = iz >= 0 && iz < g.t() && iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w();
                float v = inside ? x.getAtIndex(Layouts.F32, base + ((ch * g.t() + iz) * g.h() + iy) * g.w() + ix) : 0f;
                col.setAtIndex(Layouts.F32, dst + i, v);
                if (++xx == wo) {
                    xx = 0;
                    if (++y == ho) {
                        y = 0;
                        z++;
                    }
                }
            }
        });
    }

    private static void addBias(Tensor out, Tensor bias) {
        long p = out.dim(1);
        MemorySegment os = out.data();
        for (long c = 0; c < out.dim(0); c++) {
            float b = (float) bias.getDoubleAt(c);
            for (long i = 0; i < p; i++) {
                long idx = c * p + i;
                os.setAtIndex(Layouts.F32, idx, os.getAtIndex(Layouts.F32, idx) + b);
            }
        }
    }

    private static void require(boolean ok, String msg, Tensor x, Tensor w, Tensor out) {
        if (!ok) {
            throw new IllegalArgumentException(msg + ": x " + x.shape() + " " + x.dtype() + ", w " + w.shape() + ", out "
                    + out.shape());
        }
    }

    /** Releases the reused scratch memory. */
    @Override
    public void close() {
        columns.close();
        blockOut.close();
    }
}
