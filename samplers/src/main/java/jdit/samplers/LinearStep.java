package jdit.samplers;

import java.lang.foreign.Arena;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * The update every single-step solver here reduces to: {@code x' = cx·x + ce·e + cn·noise}, with the scalar
 * coefficients worked out in double by the sampler; noise is drawn only when the sampler's rule draws it.
 */
final class LinearStep {
    private LinearStep() {
    }

    static void apply(Tensor x, double cx, Tensor e, double ce, boolean draw, double cn, NoiseSource noise, Pointwise ops) {
        ops.scaleAdd(x, (float) cx, e, (float) ce, x);
        if (draw) {
            Tensor z = Tensor.allocate(Arena.ofAuto(), DType.F32, x.shape());
            noise.next(z);
            ops.scaleAdd(x, 1f, z, (float) cn, x);
        }
    }
}
