package jdit.backend.cuda;

import jdit.backend.Backend;

/** The CUDA backend of one device: the op groups over one {@link CudaContext}. */
public final class CudaBackend {
    private CudaBackend() {
    }

    /**
     * The backend on {@code ctx}'s device; tensors given to it must live there (see {@link CudaContext#upload}).
     * Attention multiplies in BF16 on the tensor cores.
     */
    public static Backend create(CudaContext ctx) {
        return create(ctx, false);
    }

    /** As {@link #create(CudaContext)}; {@code exactAttention} runs the FP32 attention kernel instead. */
    public static Backend create(CudaContext ctx, boolean exactAttention) {
        CudaMemory memory = new CudaMemory(ctx);
        CudaGemm gemm = new CudaGemm(ctx, memory);
        return new Backend(ctx.device(), memory, gemm, new CudaNorms(ctx), new CudaPointwise(ctx), new CudaConv(ctx, gemm),
                new CudaReductions(ctx),
                new CudaAttention(ctx, exactAttention ? CudaAttention.Precision.F32 : CudaAttention.Precision.BF16));
    }
}
