package jdit.backend;

import jdit.backend.cpu.CpuBackend;
import jdit.backend.cuda.CudaBackend;
import jdit.backend.cuda.CudaContext;
import jdit.backend.cuda.CudaOptions;
import jdit.tensor.Device;

/**
 * The backend of a {@link DeviceChoice}, owning what it opened: the CPU backend's threads, or a CUDA context (its
 * stream, cuBLAS handle, kernels and allocations). Models load onto {@code backend().memory()}.
 */
public final class DeviceBackend implements AutoCloseable {
    private final Backend backend;
    private final AutoCloseable owner;
    private final CpuBackend cpu;
    private final String description;

    private DeviceBackend(Backend backend, AutoCloseable owner, CpuBackend cpu, String description) {
        this.backend = backend;
        this.owner = owner;
        this.cpu = cpu;
        this.description = description;
    }

    /** Opens {@code choice}: {@code threads} CPU threads (with OpenBLAS when it loads), or the CUDA device. */
    public static DeviceBackend open(DeviceChoice choice, int threads, CudaOptions cuda) {
        if (choice.kind() == Device.Kind.CPU) {
            CpuBackend cpu = CpuBackend.create(threads, true);
            return new DeviceBackend(cpu.backend(), cpu, cpu, "cpu, " + threads + " threads, gemm " + cpu.gemmKernelDescription());
        }
        CudaContext ctx = CudaContext.open(choice.index(), cuda);
        return new DeviceBackend(CudaBackend.create(ctx), ctx, null, choice + " (" + ctx.arch() + ")");
    }

    /** A backend opened elsewhere (an application's own, a test double), described by {@code description}; not closed here. */
    public static DeviceBackend of(Backend backend, String description) {
        return new DeviceBackend(backend, () -> { }, null, description);
    }

    public Backend backend() {
        return backend;
    }

    /** The CPU backend (its threads, its gemm kernel) when this is the CPU. */
    public java.util.Optional<CpuBackend> cpu() {
        return java.util.Optional.ofNullable(cpu);
    }

    /** For example "cpu, 2 threads, gemm OpenBLAS (...)" or "cuda:0 (sm_90)". */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + description + ": " + e.getMessage(), e);
        }
    }
}
