package jdit.backend;

import java.lang.foreign.Arena;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The small explicit host transfers a forward makes: tables computed on the host (timestep frequencies, rotary
 * angles, token orders) uploaded once, and small results (pooled scores, a dot product) downloaded. Activations never
 * pass through here.
 */
public final class Transfers {
    private Transfers() {
    }

    /** A copy of host tensor {@code host} on {@code ws}'s device (contiguous, same dtype). */
    public static Tensor upload(Tensor host, Memory memory, Workspace ws) {
        Tensor out = ws.allocate(host.dtype(), host.shape());
        memory.upload(host, out);
        return out;
    }

    /** {@code values} as an I32 [n] tensor on {@code ws}'s device, for {@link Memory#gatherRows} and the like. */
    public static Tensor index(int[] values, Memory memory, Workspace ws) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor host = Tensor.allocate(arena, DType.I32, values.length);
            java.lang.foreign.MemorySegment.copy(values, 0, host.data(), java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
                    .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, values.length);
            return upload(host, memory, ws);
        }
    }

    /** The elements of {@code t} (any device, any layout) in row-major order as floats, downloaded. */
    public static float[] floats(Tensor t, Memory memory) {
        if (t.device().kind() == jdit.tensor.Device.Kind.CPU) {
            return t.toFloatArray();
        }
        try (Arena arena = Arena.ofConfined()) {
            Tensor host = Tensor.allocate(arena, DType.F32, t.shape());
            memory.download(t, host);
            return host.toFloatArray();
        }
    }

    /** A host copy of {@code t} in {@code arena} (F32, contiguous), downloaded. */
    public static Tensor toHost(Tensor t, Memory memory, Arena arena) {
        Tensor host = Tensor.allocate(arena, DType.F32, t.shape());
        memory.download(t, host);
        return host;
    }
}
