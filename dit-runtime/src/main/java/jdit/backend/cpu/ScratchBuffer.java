package jdit.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A grow-only off-heap buffer that a kernel reuses call after call (im2col columns, packed gemm panels): first
 * touch of fresh memory costs about 1 s per GiB on these machines, so kernels must not allocate per call. The
 * owner serialises its calls; the memory is released when the backend closes.
 */
final class ScratchBuffer implements AutoCloseable {
    private Arena arena = Arena.ofShared();
    private MemorySegment segment = MemorySegment.NULL;

    /** At least {@code bytes} bytes, 64-byte aligned; contents are unspecified. Valid until the next call. */
    MemorySegment get(long bytes) {
        if (segment.byteSize() < bytes) {
            arena.close();
            arena = Arena.ofShared();
            // grow by 1/8 extra so that slowly growing requests do not reallocate every call
            segment = arena.allocate(bytes + bytes / 8, 64);
        }
        return segment.asSlice(0, bytes);
    }

    @Override
    public void close() {
        arena.close();
        segment = MemorySegment.NULL;
    }
}
