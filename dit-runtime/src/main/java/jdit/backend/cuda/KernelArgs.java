package jdit.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import jdit.tensor.Tensor;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The arguments of one kernel launch, in the order of the kernel's parameters: each value in host memory of its own,
 * the array of their addresses handed to {@code cuLaunchKernel}, which copies them by the kernel's parameter sizes.
 * Structs are written with C's layout (8-byte members 8-aligned).
 */
final class KernelArgs implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final List<MemorySegment> values = new ArrayList<>();

    KernelArgs ptr(long address) {
        return add(8).set(ValueLayout.JAVA_LONG, 0, address);
    }

    /** A tensor's device address, or null for a null tensor. */
    KernelArgs tensor(Tensor t) {
        return ptr(t == null ? 0 : t.address());
    }

    KernelArgs i32(int v) {
        MemorySegment s = arena.allocate(4, 8);
        s.set(ValueLayout.JAVA_INT, 0, v);
        values.add(s);
        return this;
    }

    KernelArgs i64(long v) {
        return add(8).set(ValueLayout.JAVA_LONG, 0, v);
    }

    KernelArgs f32(float v) {
        MemorySegment s = arena.allocate(4, 8);
        s.set(ValueLayout.JAVA_FLOAT, 0, v);
        values.add(s);
        return this;
    }

    /** A struct already laid out in C order. */
    KernelArgs struct(byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length, 16);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, s, 0, bytes.length);
        values.add(s);
        return this;
    }

    private Setter add(int bytes) {
        MemorySegment s = arena.allocate(bytes, 8);
        values.add(s);
        return new Setter(s, this);
    }

    private record Setter(MemorySegment s, KernelArgs args) {
        KernelArgs set(ValueLayout.OfLong layout, long offset, long v) {
            s.set(layout, offset, v);
            return args;
        }
    }

    /** The kernelParams array for cuLaunchKernel. */
    PointerPointer<?> pointers() {
        PointerPointer<?> p = new PointerPointer<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            p.put(i, new RawPointer(values.get(i).address()));
        }
        return p;
    }

    @Override
    public void close() {
        arena.close();
    }
}
