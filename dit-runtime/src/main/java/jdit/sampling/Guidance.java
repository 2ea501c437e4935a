package jdit.sampling;

import jdit.backend.Backend;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/** How the conditional and unconditional model outputs become the one the sampler steps with. */
public interface Guidance {
    /**
     * Writes the guided output of step {@code step} into {@code out} (same shape as {@code cond}, [B, C, ...]);
     * {@code out} may alias {@code cond}. The tensors live on {@code be}'s device; temporaries come from {@code ws}.
     */
    void combine(Tensor cond, Tensor uncond, int step, Tensor out, Backend be, Workspace ws);
}
