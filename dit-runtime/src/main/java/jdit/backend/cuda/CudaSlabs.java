package jdit.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jdit.tensor.DType;
import jdit.tensor.Device;
import jdit.tensor.SlabSource;
import jdit.tensor.Tensor;

/** Device memory for a {@link jdit.tensor.Workspace}: cudaMalloc'd slabs, freed when the workspace closes. */
final class CudaSlabs implements SlabSource {
    private final CudaContext ctx;
    private final CudaMemory memory;
    private final List<Tensor> allocations = new ArrayList<>();

    CudaSlabs(CudaContext ctx, CudaMemory memory) {
        this.ctx = ctx;
        this.memory = memory;
    }

    @Override
    public Device device() {
        return ctx.device();
    }

    @Override
    public synchronized MemorySegment allocate(long bytes) {
        Tensor t = ctx.allocate(DType.U8, bytes); // cudaMalloc aligns to 256 bytes
        allocations.add(t);
        return MemorySegment.ofAddress(t.address()).reinterpret(bytes);
    }

    @Override
    public void zero(MemorySegment slab) {
        ctx.zero(slab.address(), slab.byteSize());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        memory.copy(src, dst);
    }

    @Override
    public synchronized void close() {
        ctx.synchronize();
        for (Tensor t : allocations) {
            ctx.free(t);
        }
        allocations.clear();
    }
}
