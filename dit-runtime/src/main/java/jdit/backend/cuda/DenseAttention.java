package jdit.backend.cuda;

/**
 * How the CUDA backend runs a dense plan (the dense plan, or a block plan listing every tile FULL with no token orders
 * and no LiteAttention verdicts) when it multiplies in BF16.
 */
public enum DenseAttention {
    /** cuDNN's fused scaled-dot-product attention where cuDNN loads and takes the shape, else the block kernel. */
    CUDNN,
    /** Always the project's block-sparse kernel on its all-tiles plan (to compare the two, or to avoid cuDNN). */
    KERNEL
}
