package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import jdit.backend.Epilogue;
import jdit.backend.Gemm;
import jdit.backend.UnaryOp;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * F32 matrix products on the CPU: OpenBLAS {@code cblas_sgemm} when it is loaded (about 0.9 of the FMA ceiling
 * here), otherwise {@link VectorGemm}; the epilogue (bias, activation, residual) is one parallel pass over the
 * output rows afterwards, where they are still in cache for small products and cost a few percent for large ones
 * (see docs/gemm.md).
 */
public final class CpuGemm implements Gemm, AutoCloseable {
    /** Which product kernel runs. */
    public enum Kernel { OPENBLAS, VECTOR_API }

    private final Parallel parallel;
    private final OpenBlas blas;
    private final VectorGemm vector;
    private final ScratchBuffer widened = new ScratchBuffer();

    /** Uses {@code blas} when non-null, the Vector API kernel otherwise. */
    public CpuGemm(Parallel parallel, OpenBlas blas) {
        this.parallel = parallel;
        this.blas = blas;
        this.vector = new VectorGemm(parallel);
        if (blas != null) {
            blas.setThreads(parallel.threads());
        }
    }

    public Kernel kernel() {
        return blas != null ? Kernel.OPENBLAS : Kernel.VECTOR_API;
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out, Epilogue ep) {
        check(a.dtype() == DType.F32 && out.dtype() == DType.F32
                        && (b.dtype() == DType.F32 || b.dtype() == DType.BF16 || b.dtype() == DType.F16),
                "gemm needs F32 a and out and F32, BF16 or F16 b, got a " + a + ", b " + b + ", out " + out);
        if (b.dtype() != DType.F32) {
            synchronized (widened) { // the widened copy lives in one reused buffer until the product is done
                product(a, widen(b), out, ep);
            }
        } else {
            product(a, b, out, ep);
        }
    }

    private void product(Tensor a, Tensor b, Tensor out, Epilogue ep) {
        check(b.rank() == 2 && a.rank() >= 1 && out.rank() >= 1, "gemm needs b of rank 2 and a, out of rank >= 1: a "
                + a.shape() + ", b " + b.shape() + ", out " + out.shape());
        long k = a.dim(-1);
        long n = ep.transposedB() ? b.dim(0) : b.dim(1);
        long kb = ep.transposedB() ? b.dim(1) : b.dim(0);
        long m = a.numel() / Math.max(k, 1);
        check(kb == k && out.dim(-1) == n && out.numel() == m * n, "gemm shapes do not agree: a " + a.shape() + " · b "
                + b.shape() + (ep.transposedB() ? "ᵀ" : "") + " -> out " + out.shape());
        check(a.isContiguous() && out.isContiguous(), "gemm needs contiguous a and out, got a " + a + " strides "
                + java.util.Arrays.toString(a.strides()) + ", out strides " + java.util.Arrays.toString(out.strides()));
        check(b.stride(1) == 1 && b.stride(0) >= b.dim(1), "gemm needs b with unit stride in its last dim: " + b.shape()
                + " strides " + java.util.Arrays.toString(b.strides()));
        checkEpilogue(ep, m, n, out);
        if (m == 0 || n == 0) {
            return;
        }
        MemorySegment bs = b.segment().asSlice(b.offset() * 4);
        boolean residualIsOut = ep.residual() != null && ep.residual().segment().address() + ep.residual().offset() * 4
                == out.segment().address() + out.offset() * 4;
        Tensor residual = ep.residual();
        if (residualIsOut && ep.activation() != UnaryOp.IDENTITY) {
            residual = copyOf(out); // the product overwrites out before the residual would be read
        }
        float beta = residualIsOut && ep.activation() == UnaryOp.IDENTITY ? 1f : 0f;
        product(ep.transposedB(), (int) m, (int) n, (int) k, ep.alpha(), a.data(), bs, (int) b.stride(0), beta, out.data());
        Tensor fusedResidual = beta == 1f ? null : residual;
        if (ep.bias() != null || ep.activation() != UnaryOp.IDENTITY || fusedResidual != null) {
            applyEpilogue(out.data(), m, n, ep.bias(), ep.activation(), fusedResidual);
        }
    }

    @Override
    public void batchedMatmul(Tensor a, Tensor b, Tensor out, Epilogue ep) {
        check(a.rank() == 3 && b.rank() == 3 && out.rank() == 3 && a.dim(0) == b.dim(0) && a.dim(0) == out.dim(0),
                "batchedMatmul needs a [B,M,K], b [B,K,N] or [B,N,K], out [B,M,N] with one B: a " + a.shape() + ", b "
                        + b.shape() + ", out " + out.shape());
        for (long i = 0; i < a.dim(0); i++) {
            Tensor r = ep.residual() == null ? null : ep.residual().select(0, i);
            matmul(a.select(0, i), b.select(0, i), out.select(0, i), ep.withResidual(r));
        }
    }

    private void product(boolean transB, int m, int n, int k, float alpha, MemorySegment a, MemorySegment b, int ldb,
                         float beta, MemorySegment c) {
        if (transB && m <= FewRowsGemm.MAX_ROWS) {
            FewRowsGemm.multiply(parallel, m, n, k, alpha, a, b, ldb, beta, c);
        } else if (blas != null) {
            blas.sgemm(transB, m, n, k, alpha, a, k, b, ldb, beta, c, n);
        } else if (beta == 0f) {
            vector.multiply(transB, m, n, k, alpha, a, k, b, ldb, c, n);
        } else {
            Tensor prior = copyOf(Tensor.of(c, DType.F32, jdit.tensor.Shape.of((long) m * n)));
            vector.multiply(transB, m, n, k, alpha, a, k, b, ldb, c, n);
            applyEpilogue(c, m, n, null, UnaryOp.IDENTITY, prior);
        }
    }

    /**
     * b as F32 in the reused scratch: weights kept in BF16/F16 halve memory and cost one conversion pass over b per
     * product, small next to the product itself once M reaches a few hundred rows.
     */
    private Tensor widen(Tensor b) {
        check(b.rank() == 2 && b.stride(1) == 1, "a BF16/F16 b must be [K, N] with unit stride in its last dim: " + b);
        long rows = b.dim(0);
        long cols = b.dim(1);
        MemorySegment dst = widened.get(rows * cols * 4);
        MemorySegment src = b.segment();
        boolean bf16 = b.dtype() == DType.BF16;
        long stride = b.stride(0);
        long base = b.offset();
        parallel.forRange(rows, Math.max(1, 8192 / Math.max(cols, 1)), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                if (bf16) {
                    jdit.tensor.HalfFloats.bf16ToF32(src, (base + r * stride) * 2, dst, r * cols * 4, cols);
                } else {
                    jdit.tensor.HalfFloats.f16ToF32(src, (base + r * stride) * 2, dst, r * cols * 4, cols);
                }
            }
        });
        return Tensor.of(dst, DType.F32, b.shape());
    }

    private void applyEpilogue(MemorySegment c, long m, long n, Tensor bias, UnaryOp act, Tensor residual) {
        MemorySegment bs = bias == null ? null : bias.data();
        MemorySegment rs = residual == null ? null : residual.data();
        parallel.forRange(m, Math.max(1, 16384 / Math.max(n, 1)), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                long off = r * n * 4;
                if (bs != null) {
                    RowOps.add(c, off, bs, 0, c, off, n);
                }
                VectorActivation.apply(act, c, off, n);
                if (rs != null) {
                    RowOps.add(c, off, rs, off, c, off, n);
                }
            }
        });
    }

    private static Tensor copyOf(Tensor t) {
        Tensor c = Tensor.allocate(java.lang.foreign.Arena.ofAuto(), t.dtype(), t.shape());
        t.copyTo(c);
        return c;
    }

    private static void checkEpilogue(Epilogue ep, long m, long n, Tensor out) {
        if (ep.bias() != null) {
            check(ep.bias().dtype() == DType.F32 && ep.bias().numel() == n && ep.bias().isContiguous(),
                    "bias must be a contiguous F32 [" + n + "], got " + ep.bias());
        }
        if (ep.residual() != null) {
            check(ep.residual().dtype() == DType.F32 && ep.residual().numel() == m * n && ep.residual().isContiguous(),
                    "residual must be contiguous F32 with out's " + out.shape() + " elements, got " + ep.residual());
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Releases the reused scratch memory. */
    @Override
    public void close() {
        widened.close();
        vector.close();
    }
}
