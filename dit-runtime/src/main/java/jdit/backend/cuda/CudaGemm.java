package jdit.backend.cuda;

import jdit.backend.Epilogue;
import jdit.backend.Gemm;
import jdit.backend.UnaryOp;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Products through cuBLAS: F32 weights with TF32 tensor cores, BF16 / F16 weights with the activations rounded to the
 * weights' type and FP32 accumulation. Row-major products are cuBLAS's column-major ones transposed: out^T = op(b)^T
 * a^T. The epilogue (bias, activation, residual) is one element-wise kernel after the product.
 */
final class CudaGemm implements Gemm, AutoCloseable {
    private static final int BLOCK = 256;
    private final CudaContext ctx;
    private final CudaMemory memory;
    private final FloatPointer one = new FloatPointer(1f);
    private final FloatPointer zero = new FloatPointer(0f);
    private final DeviceScratch halfScratch;
    private final DeviceScratch productScratch;

    CudaGemm(CudaContext ctx, CudaMemory memory) {
        this.ctx = ctx;
        this.memory = memory;
        this.halfScratch = new DeviceScratch(ctx);
        this.productScratch = new DeviceScratch(ctx);
    }

    /** [..., C] as [rows, C] with the row stride of the view. */
    private static Tensor rows(Tensor t, String what) {
        if (t.rank() == 2 && t.stride(1) == 1) {
            return t;
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(what + " must be contiguous or a 2-D view with unit column stride, got " + t);
        }
        long c = t.dim(t.rank() - 1);
        return t.reshape(t.numel() / c, c);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out, Epilogue e) {
        Checks.onDevice(ctx, a, b, out, e.bias(), e.residual());
        Tensor a2 = rows(a, "a");
        Tensor o2 = rows(out, "out");
        product(a2.unsqueeze(0), b.unsqueeze(0), o2.unsqueeze(0), e);
    }

    @Override
    public void batchedMatmul(Tensor a, Tensor b, Tensor out, Epilogue e) {
        Checks.onDevice(ctx, a, b, out, e.bias(), e.residual());
        if (a.rank() != 3 || b.rank() != 3 || out.rank() != 3 || a.dim(0) != b.dim(0) || a.dim(0) != out.dim(0)) {
            throw new IllegalArgumentException("batchedMatmul needs a [B, M, K], b [B, K, N] or [B, N, K], out [B, M, N]; got "
                    + a.shape() + ", " + b.shape() + ", " + out.shape());
        }
        product(a, b, out, e);
    }

    /** out[i] = epilogue(a[i] . b[i]) for a [batch, M, K], b [batch, K, N] or [batch, N, K], out [batch, M, N]. */
    private void product(Tensor a3, Tensor b3, Tensor out3, Epilogue e) {
        Checks.f32(a3, out3, e.bias(), e.residual());
        int batch = (int) a3.dim(0);
        long strideA = a3.stride(0);
        long strideB = b3.stride(0);
        long strideO = out3.stride(0);
        Tensor a = a3.select(0, 0);
        Tensor b = b3.select(0, 0);
        Tensor out = out3.select(0, 0);
        if (b.dtype() != DType.F32 && b.dtype() != DType.BF16 && b.dtype() != DType.F16) {
            throw new IllegalArgumentException("weights must be F32, BF16 or F16, got " + b);
        }
        long m = a.dim(0);
        long k = a.dim(1);
        long n = e.transposedB() ? b.dim(0) : b.dim(1);
        long kb = e.transposedB() ? b.dim(1) : b.dim(0);
        if (kb != k || out.dim(0) != m || out.dim(1) != n || b.stride(1) != 1 || out.stride(1) != 1) {
            throw new IllegalArgumentException("matmul shapes: a " + a.shape() + ", b " + b.shape() + (e.transposedB() ? " (transposed)" : "")
                    + ", out " + out.shape());
        }
        boolean fused = e.bias() != null || e.activation() != UnaryOp.IDENTITY || e.residual() != null;
        boolean aliased = e.residual() != null && e.residual().address() == out.address();
        if (fused && (!out3.isContiguous() || e.residual() != null && !e.residual().isContiguous())) {
            throw new IllegalArgumentException("a gemm epilogue needs a contiguous out, got " + out);
        }
        Tensor target = aliased ? productScratch.get(DType.F32, batch * m * n) : out;
        long ldTarget = aliased ? n : out.stride(0);
        long strideTarget = aliased ? m * n : strideO;

        Tensor left = a;
        long lda = a.stride(0);
        long stA = strideA;
        int type = cudart.CUDA_R_32F;
        int compute = cublas.CUBLAS_COMPUTE_32F_FAST_TF32;
        if (b.dtype() != DType.F32) {
            // cuBLAS multiplies two half matrices: round the activations to the weights' type
            left = halfScratch.get(b.dtype(), batch * m * k).reshape(batch, m, k);
            memory.copy(a3, left);
            lda = k;
            stA = m * k;
            type = b.dtype() == DType.BF16 ? cudart.CUDA_R_16BF : cudart.CUDA_R_16F;
            compute = cublas.CUBLAS_COMPUTE_32F;
        }
        int opB = e.transposedB() ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        FloatPointer alpha = e.alpha() == 1f ? one : new FloatPointer(e.alpha());
        int rc;
        if (batch == 1) {
            rc = cublas.cublasGemmEx(ctx.blas(), opB, cublas.CUBLAS_OP_N, (int) n, (int) m, (int) k, alpha,
                    new RawPointer(b.address()), type, (int) b.stride(0), new RawPointer(left.address()), type, (int) lda, zero,
                    new RawPointer(target.address()), cudart.CUDA_R_32F, (int) ldTarget, compute, cublas.CUBLAS_GEMM_DEFAULT);
        } else {
            rc = cublas.cublasGemmStridedBatchedEx(ctx.blas(), opB, cublas.CUBLAS_OP_N, (int) n, (int) m, (int) k, alpha,
                    new RawPointer(b.address()), type, (int) b.stride(0), strideB, new RawPointer(left.address()), type, (int) lda,
                    stA, zero, new RawPointer(target.address()), cudart.CUDA_R_32F, (int) ldTarget, strideTarget, batch, compute,
                    cublas.CUBLAS_GEMM_DEFAULT);
        }
        CudaContext.checkBlas(rc, "cublasGemmEx(" + m + " x " + n + " x " + k + ", batch " + batch + ")");
        if (fused) {
            long rows = batch * m;
            try (KernelArgs args = new KernelArgs()) {
                args.tensor(target).tensor(e.bias()).i32(e.activation().ordinal()).tensor(e.residual()).tensor(out).i64(rows).i64(n);
                ctx.launch(ctx.function("ops.cu", "gemm_epilogue_f32"), CudaContext.blocksFor(rows * n, BLOCK), 1, 1, BLOCK, 0, args);
            }
        }
    }

    @Override
    public void close() {
        one.close();
        zero.close();
    }
}
