package jdit.backend.cuda;

import java.lang.foreign.Arena;
import jdit.backend.Memory;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/** Copies (strided, with F32 <-> BF16 / F16 conversion), fills, row moves and host transfers on the device. */
final class CudaMemory implements Memory {
    private static final int BLOCK = 256;
    private final CudaContext ctx;

    CudaMemory(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Checks.onDevice(ctx, src, dst);
        if (!src.shape().equals(dst.shape())) {
            throw new IllegalArgumentException("copy needs equal shapes, got " + src.shape() + " and " + dst.shape());
        }
        String kernel = switch (src.dtype()) {
            case F32 -> switch (dst.dtype()) {
                case F32 -> "copy_f32";
                case BF16 -> "f32_to_bf16";
                case F16 -> "f32_to_f16";
                default -> null;
            };
            case BF16 -> dst.dtype() == DType.F32 ? "bf16_to_f32" : null;
            case F16 -> dst.dtype() == DType.F32 ? "f16_to_f32" : null;
            default -> null;
        };
        if (kernel == null) {
            throw new IllegalArgumentException("CUDA copy converts F32 to and from BF16 and F16, not " + src.dtype() + " to "
                    + dst.dtype());
        }
        long n = dst.numel();
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(src).struct(Structs.desc(src, dst.shape())).tensor(dst).struct(Structs.desc(dst, dst.shape())).i64(n);
            ctx.launch(ctx.function("ops.cu", kernel), CudaContext.blocksFor(n, BLOCK), 1, 1, BLOCK, 0, a);
        }
    }

    @Override
    public void fill(Tensor dst, float value) {
        Checks.onDevice(ctx, dst);
        Checks.f32(dst);
        long n = dst.numel();
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(dst).struct(Structs.desc(dst, dst.shape())).f32(value).i64(n);
            ctx.launch(ctx.function("ops.cu", "fill_f32"), CudaContext.blocksFor(n, BLOCK), 1, 1, BLOCK, 0, a);
        }
    }

    @Override
    public void synchronize() {
        ctx.synchronize();
    }

    @Override
    public Workspace workspace() {
        return new Workspace(new CudaSlabs(ctx, this));
    }

    /**
     * One cudaMemcpy when layouts and dtypes agree; otherwise through a contiguous host staging copy (also the dtype
     * conversions the device copy lacks) and a device copy that converts and places.
     */
    @Override
    public void upload(Tensor host, Tensor dst) {
        Checks.onDevice(ctx, dst);
        Checks.sameShape("upload", host, dst);
        try (Arena staging = Arena.ofConfined()) {
            // the host side in a dtype the device side can take: dst's own, or one the device copy converts from
            DType sent = host.dtype() == dst.dtype() || convertsOnDevice(host.dtype(), dst.dtype()) ? host.dtype() : dst.dtype();
            Tensor src = host;
            if (!host.isContiguous() || sent != host.dtype()) {
                src = Tensor.allocate(staging, sent, host.shape());
                host.copyTo(src);
            }
            if (sent == dst.dtype() && dst.isContiguous()) {
                ctx.copyToDevice(dst.address(), src.data().address(), dst.byteSize());
                ctx.synchronize();
                return;
            }
            Tensor tmp = ctx.allocate(sent, src.shape());
            try {
                ctx.copyToDevice(tmp.address(), src.data().address(), tmp.byteSize());
                copy(tmp, dst); // converts and places; strided non-F32 targets are refused there
                ctx.synchronize();
            } finally {
                ctx.free(tmp);
            }
        }
    }

    /** Whether {@link #copy} converts {@code from} to {@code to}: F32 to F32, and F32 to and from BF16 and F16. */
    private static boolean convertsOnDevice(DType from, DType to) {
        return from == DType.F32 && (to == DType.F32 || to == DType.BF16 || to == DType.F16)
                || to == DType.F32 && (from == DType.BF16 || from == DType.F16);
    }

    @Override
    public void download(Tensor src, Tensor host) {
        Checks.onDevice(ctx, src);
        Checks.sameShape("download", src, host);
        Tensor from = src;
        Tensor tmp = null;
        if (!src.isContiguous() || src.dtype() != host.dtype()) {
            tmp = ctx.allocate(host.dtype(), src.shape());
            copy(src, tmp);
            from = tmp;
        }
        try (Arena staging = Arena.ofConfined()) {
            Tensor to = host.isContiguous() ? host : Tensor.allocate(staging, host.dtype(), host.shape());
            ctx.copyToHost(to.data().address(), from.address(), to.byteSize());
            ctx.synchronize();
            if (to != host) {
                to.copyTo(host);
            }
        } finally {
            if (tmp != null) {
                ctx.free(tmp);
            }
        }
    }

    @Override
    public void gatherRows(Tensor src, Tensor index, Tensor dst) {
        Memory.checkRows(dst, index, src);
        moveRows("gather_rows_f32", src, index, dst, src.dim(1));
    }

    @Override
    public void scatterRows(Tensor src, Tensor index, Tensor dst) {
        Memory.checkRows(src, index, dst);
        moveRows("scatter_rows_f32", src, index, dst, dst.dim(1));
    }

    @Override
    public void meanRows(Tensor src, Tensor offsets, Tensor rows, Tensor dst) {
        Checks.onDevice(ctx, src, offsets, rows, dst);
        Checks.f32(src, dst);
        Checks.contiguous("meanRows", src, offsets, rows, dst);
        long bins = dst.dim(1);
        long width = dst.dim(2);
        long n = dst.numel();
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(src).tensor(offsets).tensor(rows).tensor(dst).i64(src.dim(1)).i64(bins).i64(width).i64(n);
            ctx.launch(ctx.function("ops.cu", "mean_rows_f32"), CudaContext.blocksFor(n, BLOCK), 1, 1, BLOCK, 0, a);
        }
    }

    private void moveRows(String kernel, Tensor src, Tensor index, Tensor dst, long tableRows) {
        Checks.onDevice(ctx, src, index, dst);
        Checks.f32(src, dst);
        Checks.contiguous("row moves", src, index, dst);
        long rows = index.dim(0);
        long width = src.dim(2);
        long n = src.dim(0) * rows * width;
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(src).tensor(index).tensor(dst).i64(tableRows).i64(rows).i64(width).i64(n);
            ctx.launch(ctx.function("ops.cu", kernel), CudaContext.blocksFor(n, BLOCK), 1, 1, BLOCK, 0, a);
        }
    }
}
