package jdit.backend;

import jdit.tensor.Tensor;

/**
 * Matrix products with fused epilogues. F32 compute; a and out are F32, b (the weights) F32, BF16 or F16, a half
 * precision b being widened to F32 for the product.
 */
public interface Gemm {
    /**
     * {@code out[M, N] = epilogue(a[M, K] · b)} where b is [K, N], or [N, K] when {@code epilogue.transposedB()}.
     * a and out may carry leading dimensions ([..., K] and [..., N]); they are flattened into M. a, b and out
     * must have unit stride in their last dimension; out must not alias a or b.
     */
    void matmul(Tensor a, Tensor b, Tensor out, Epilogue epilogue);

    /** The same for each index of a leading batch dimension: a [B, M, K], b [B, K, N] (or [B, N, K]), out [B, M, N]. */
    void batchedMatmul(Tensor a, Tensor b, Tensor out, Epilogue epilogue);
}
