package jdit.sampling.guidance;

import jdit.backend.Pointwise;
import jdit.sampling.Guidance;
import jdit.tensor.Tensor;

/** Classifier-free guidance on every channel: {@code uncond + scale·(cond - uncond)} (Wan2.1, Latte, diffusers DiT). */
public record ClassifierFreeGuidance(float scale) implements Guidance {
    @Override
    public void combine(Tensor cond, Tensor uncond, int step, Tensor out, Pointwise ops) {
        ops.scaleAdd(cond, scale, uncond, 1 - scale, out);
    }
}
