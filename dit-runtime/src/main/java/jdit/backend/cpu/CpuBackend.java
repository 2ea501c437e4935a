package jdit.backend.cpu;

import jdit.backend.Backend;
import jdit.tensor.Device;

/**
 * The CPU backend: Vector API kernels on {@code threads} threads and OpenBLAS for gemm when it loads. Which gemm
 * kernel runs, and why, is stated by {@link #gemmKernelDescription()}: there is no silent fallback. Tensors
 * given to it must live in shared (or global/auto) arenas, since worker threads touch them.
 */
public final class CpuBackend implements AutoCloseable {
    private final Parallel parallel;
    private final OpenBlas.Result blas;
    private final CpuGemm gemm;
    private final CpuConv conv;
    private final CpuAttention attention;
    private final Backend backend;

    private CpuBackend(int threads, boolean useOpenBlas) {
        this.parallel = new Parallel(threads);
        this.blas = useOpenBlas ? OpenBlas.load() : new OpenBlas.Result(null, "OpenBLAS disabled by request");
        this.gemm = new CpuGemm(parallel, blas.blas());
        this.conv = new CpuConv(gemm, parallel);
        CpuPointwise pointwise = new CpuPointwise(parallel);
        this.attention = new CpuAttention(parallel);
        this.backend = new Backend(Device.CPU, new CpuMemory(), gemm, new CpuNorms(parallel), pointwise, conv,
                new CpuReductions(parallel), attention);
    }

    /** A CPU backend on {@code threads} threads, with OpenBLAS gemm if {@code useOpenBlas} and it loads. */
    public static CpuBackend create(int threads, boolean useOpenBlas) {
        return new CpuBackend(threads, useOpenBlas);
    }

    public Backend backend() {
        return backend;
    }

    public Parallel parallel() {
        return parallel;
    }

    public CpuGemm gemm() {
        return gemm;
    }

    /** The OpenBLAS library, when loaded. */
    public java.util.Optional<OpenBlas> openBlas() {
        return blas.get();
    }

    /** For example "OpenBLAS 0.3.31 (Cooperlake kernels)" or "Vector API (OpenBLAS could not be loaded: ...)". */
    public String gemmKernelDescription() {
        return blas.get().map(b -> "OpenBLAS (" + b.corename() + " kernels; " + b.config() + ")")
                .orElse("Vector API kernel (" + blas.failure() + ")");
    }

    @Override
    public void close() {
        conv.close();
        gemm.close();
        parallel.close();
    }
}
