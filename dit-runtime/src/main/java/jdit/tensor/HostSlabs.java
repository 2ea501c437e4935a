package jdit.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Host slabs from one shared arena, freed together. */
final class HostSlabs implements SlabSource {
    private final Arena arena = Arena.ofShared();

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public MemorySegment allocate(long bytes) {
        return arena.allocate(bytes, 64);
    }

    @Override
    public void zero(MemorySegment slab) {
        slab.fill((byte) 0);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        src.copyTo(dst);
    }

    @Override
    public void close() {
        arena.close();
    }
}
