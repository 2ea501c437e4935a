package jdit.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/** The C structs the kernels take by value, laid out as the sources declare them. */
final class Structs {
    static final int MAX_RANK = 6;
    /** {@code struct Desc { int rank; long long shape[6]; long long stride[6]; long long offset; }}: 112 bytes. */
    static final int DESC_BYTES = 112;

    private Structs() {
    }

    /**
     * {@code t} seen with {@code out}'s shape: NumPy broadcasting (missing leading axes and extent-1 axes get stride
     * 0), strides in elements. The offset is 0: kernels are given {@link Tensor#address()}, element [0,...,0] of the
     * view. Axes beyond six are refused.
     */
    static byte[] desc(Tensor t, Shape out) {
        int rank = out.rank();
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("CUDA kernels take tensors of rank <= " + MAX_RANK + ", got " + out);
        }
        ByteBuffer b = ByteBuffer.allocate(DESC_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, Math.max(rank, 1));
        int shift = rank - t.rank();
        for (int a = 0; a < rank; a++) {
            long stride = 0;
            if (a >= shift && t.dim(a - shift) != 1) {
                stride = t.stride(a - shift);
            }
            b.putLong(8 + 8 * a, out.dim(a));
            b.putLong(56 + 8 * a, stride);
        }
        if (rank == 0) {
            b.putLong(8, 1);
        }
        return b.array();
    }

    /** {@code struct Operand { long long sb, st, sh; }} of a [B, T, H, D] tensor. */
    static byte[] operand(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(t.stride(0)).putLong(t.stride(1)).putLong(t.stride(2));
        return b.array();
    }
}
