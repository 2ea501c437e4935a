package jdit.backend.cuda;

import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** A grow-only device buffer for an op's intermediates: reallocated only when a call needs more than it holds. */
final class DeviceScratch {
    private final CudaContext ctx;
    private Tensor buffer;

    DeviceScratch(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** At least {@code elements} of {@code type}, as a 1-D view; contents unspecified, valid until the next call. */
    Tensor get(DType type, long elements) {
        if (buffer == null || buffer.dtype() != type || buffer.numel() < elements) {
            if (buffer != null) {
                ctx.free(buffer);
            }
            buffer = ctx.allocate(type, Math.max(elements, 1));
        }
        return buffer.narrow(0, 0, elements);
    }
}
