package jdit.tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory of one generation: big buffers are handed out from slabs that are reused, never freed, until
 * {@link #close()}.
 *
 * <p>It exists because first touch of fresh memory costs about 1 s per GiB on these machines: a slab
 * released by {@link #release} or by {@link #endStep} goes back to a free list keyed by size class and is
 * handed out again. Reused memory is not cleared; use {@link #allocateZeroed} where zeros matter.
 * Thread-safe; slabs are 64-byte aligned and live in a shared arena so worker threads may touch them.
 *
 * <p>The slabs come from a {@link SlabSource}: host memory by default, a device's memory for a device backend
 * ({@code backend.memory().workspace()}), whose tensors then live on that device.
 */
public final class Workspace implements AutoCloseable {
    private final SlabSource slabs;
    private final Map<Long, ArrayDeque<MemorySegment>> free = new HashMap<>();
    private final Map<Long, Handout> live = new HashMap<>();
    private final List<MemorySegment> scratch = new ArrayList<>();
    private long liveBytes;
    private long peakBytes;
    private long reservedBytes;
    private boolean closed;

    /** A workspace of host memory. */
    public Workspace() {
        this(SlabSource.host());
    }

    /** A workspace of {@code slabs}' memory; closing the workspace closes them. */
    public Workspace(SlabSource slabs) {
        this.slabs = slabs;
    }

    /** The device whose memory this workspace hands out. */
    public Device device() {
        return slabs.device();
    }

    /** A tensor that lives until {@link #release} or {@link #close}. Contents are unspecified. */
    public synchronized Tensor allocate(DType dtype, Shape shape) {
        MemorySegment m = take(Math.multiplyExact(shape.numel(), (long) dtype.byteSize()));
        return slabs.device().kind() == Device.Kind.CPU ? Tensor.of(m, dtype, shape) : Tensor.onDevice(m, dtype, shape, slabs.device());
    }

    public Tensor allocate(DType dtype, long... shape) {
        return allocate(dtype, Shape.of(shape));
    }

    /** Like {@link #allocate} but filled with zeros. */
    public Tensor allocateZeroed(DType dtype, long... shape) {
        Tensor t = allocate(dtype, Shape.of(shape));
        slabs.zero(t.memory());
        return t;
    }

    /**
     * A contiguous copy of {@code t} owned by this workspace (unlike {@link Tensor#contiguous}, which returns
     * {@code t} itself when it is already contiguous, so the caller may always release the result).
     */
    public Tensor copy(Tensor t) {
        Tensor out = allocate(t.dtype(), t.shape());
        copy(t, out);
        return out;
    }

    /** {@code dst[...] = src[...]} on this workspace's device (equal shapes, dtype converted where they differ). */
    public void copy(Tensor src, Tensor dst) {
        slabs.copy(src, dst);
    }

    /** A tensor that goes back to the pool at the next {@link #endStep()}. */
    public synchronized Tensor scratch(DType dtype, long... shape) {
        Tensor t = allocate(dtype, Shape.of(shape));
        scratch.add(t.memory());
        return t;
    }

    /** Returns the slab behind {@code t} (and every view of it) to the pool. */
    public synchronized void release(Tensor t) {
        Handout h = live.get(t.memory().address());
        // Identity, not address: a stale tensor whose slab was handed out again must not free the new owner's memory.
        if (h == null || h.handed() != t.memory()) {
            throw new IllegalArgumentException(t + " was not allocated from this workspace or was released already");
        }
        giveBack(h);
    }

    private void giveBack(Handout h) {
        live.remove(h.slab().address());
        liveBytes -= h.slab().byteSize();
        free.computeIfAbsent(h.slab().byteSize(), k -> new ArrayDeque<>()).push(h.slab());
    }

    /** Releases every scratch tensor handed out since the last call. */
    public synchronized void endStep() {
        for (MemorySegment s : scratch) {
            Handout h = live.get(s.address());
            if (h != null && h.handed() == s) {
                giveBack(h);
            }
        }
        scratch.clear();
    }

    /**
     * Returns every tensor handed out so far to the pool, keeping the memory for reuse: a loop calls it once per
     * iteration after copying out what it keeps. Tensors handed out before must not be used afterwards.
     */
    public synchronized void releaseAll() {
        for (Handout h : List.copyOf(live.values())) {
            giveBack(h);
        }
        scratch.clear();
    }

    /** Largest number of bytes handed out at once. */
    public synchronized long peakBytes() {
        return peakBytes;
    }

    /** Starts a new peak measurement from the bytes handed out now. */
    public synchronized void resetPeak() {
        peakBytes = liveBytes;
    }

    /** Bytes of memory obtained from the system so far (live plus pooled). */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    private MemorySegment take(long bytes) {
        if (closed) {
            throw new IllegalStateException("workspace is closed");
        }
        long size = sizeClass(bytes);
        ArrayDeque<MemorySegment> q = free.get(size);
        MemorySegment slab = q == null ? null : q.poll();
        if (slab == null) {
            slab = slabs.allocate(size);
            reservedBytes += size;
        }
        MemorySegment handed = slab.asSlice(0, bytes);
        live.put(slab.address(), new Handout(slab, handed));
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return handed;
    }

    /** Rounds up to 1/8 of the next power of two (at most 12.5% waste), at least 256 bytes. */
    static long sizeClass(long bytes) {
        long b = Math.max(bytes, 256);
        int shift = 63 - Long.numberOfLeadingZeros(b - 1) - 3;
        long unit = 1L << Math.max(shift, 0);
        return (b + unit - 1) / unit * unit;
    }

    private record Handout(MemorySegment slab, MemorySegment handed) {
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            slabs.close();
            free.clear();
            live.clear();
        }
    }
}
