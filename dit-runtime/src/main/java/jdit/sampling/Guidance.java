package jdit.sampling;

import jdit.backend.Pointwise;
import jdit.tensor.Tensor;

/** How the conditional and unconditional model outputs become the one the sampler steps with. */
public interface Guidance {
    /**
     * Writes the guided output of step {@code step} into {@code out} (same shape as {@code cond}, [B, C, ...]);
     * {@code out} may alias {@code cond}.
     */
    void combine(Tensor cond, Tensor uncond, int step, Tensor out, Pointwise ops);
}
