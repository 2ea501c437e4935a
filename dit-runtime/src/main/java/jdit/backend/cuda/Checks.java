package jdit.backend.cuda;

import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** The argument checks every CUDA op makes before it launches anything. */
final class Checks {
    private Checks() {
    }

    /** Every non-null tensor lives on the context's device (a host tensor would be read as a device address). */
    static void onDevice(CudaContext ctx, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.device().equals(ctx.device())) {
                throw new IllegalArgumentException("the CUDA backend on " + ctx.device() + " got a tensor on " + t.device()
                        + "; upload it first");
            }
        }
    }

    static void f32(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.dtype() != DType.F32) {
                throw new IllegalArgumentException("this CUDA op computes F32 tensors, got " + t);
            }
        }
    }

    static void contiguous(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.isContiguous()) {
                throw new IllegalArgumentException("CUDA " + op + " needs contiguous tensors, got " + t);
            }
        }
    }

    static void sameShape(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + " needs equal shapes, got " + a.shape() + " and " + b.shape());
        }
    }
}
