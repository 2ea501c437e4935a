package jdit.backend.cuda;

import jdit.backend.Backend;

/** The CUDA backend of one device: the op groups over one {@link CudaContext}. */
public final class CudaBackend {
    private CudaBackend() {
    }

    /**
     * The backend on {@code ctx}'s device; tensors given to it must live there (see {@link CudaContext#upload}).
     * Attention multiplies in BF16 on the tensor cores; dense plans run where the context's options say.
     */
    public static Backend create(CudaContext ctx) {
        return create(ctx, false, ctx.denseAttention());
    }

    /** As {@link #create(CudaContext)}; {@code exactAttention} runs the FP32 attention kernel instead, dense included. */
    public static Backend create(CudaContext ctx, boolean exactAttention) {
        return create(ctx, exactAttention, ctx.denseAttention());
    }

    /** As {@link #create(CudaContext)} with dense plans on {@code dense} (the benchmark compares both). */
    public static Backend create(CudaContext ctx, DenseAttention dense) {
        return create(ctx, false, dense);
    }

    private static Backend create(CudaContext ctx, boolean exactAttention, DenseAttention dense) {
        CudaMemory memory = new CudaMemory(ctx);
        CudaGemm gemm = new CudaGemm(ctx, memory);
        return new Backend(ctx.device(), memory, gemm, new CudaNorms(ctx), new CudaPointwise(ctx), new CudaConv(ctx, gemm),
                new CudaReductions(ctx),
                new CudaAttention(ctx, exactAttention ? CudaAttention.Precision.F32 : CudaAttention.Precision.BF16, dense));
    }
}
