package jdit.samplers;

import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The update every single-step solver here reduces to: {@code x' = cx·x + ce·e + cn·noise}, with the scalar
 * coefficients worked out in double by the sampler; noise is drawn only when the sampler's rule draws it.
 */
final class LinearStep {
    private LinearStep() {
    }

    /** The noise, when drawn, goes into a temporary from {@code ws} on x's device, released before returning. */
    static void apply(Tensor x, double cx, Tensor e, double ce, boolean draw, double cn, NoiseSource noise, Pointwise ops,
                      Workspace ws) {
        ops.scaleAdd(x, (float) cx, e, (float) ce, x);
        if (draw) {
            Tensor z = ws.allocate(DType.F32, x.shape());
            noise.next(z);
            ops.scaleAdd(x, 1f, z, (float) cn, x);
            ws.release(z);
        }
    }
}
