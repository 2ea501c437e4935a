package jdit.backend.cuda;

import jdit.backend.Memory;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** Copies (strided, with F32 <-> BF16 / F16 conversion) and fills on the device. */
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
}
