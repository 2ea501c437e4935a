package jdit.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Where a {@link Workspace} gets its memory and how it copies there: host memory from an arena, or a device's
 * allocations (a segment whose address is the device pointer, never read from Java), so one workspace type serves
 * every backend and models allocate the same way on each.
 */
public interface SlabSource extends AutoCloseable {
    /** The device the slabs live on; tensors handed out from them carry it. */
    Device device();

    /** {@code bytes} of fresh memory, 64-byte aligned, kept until {@link #close}. */
    MemorySegment allocate(long bytes);

    /** Sets the bytes of {@code slab} (a part of an allocation) to zero. */
    void zero(MemorySegment slab);

    /** {@code dst[...] = src[...]}, both on this device, equal shapes, dtype converted where they differ. */
    void copy(Tensor src, Tensor dst);

    /** Frees every allocation. */
    @Override
    void close();

    /** Host memory from a shared arena (worker threads touch it); copies through {@link Tensor#copyTo}. */
    static SlabSource host() {
        return new HostSlabs();
    }
}
