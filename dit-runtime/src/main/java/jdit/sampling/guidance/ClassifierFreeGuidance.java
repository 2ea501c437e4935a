package jdit.sampling.guidance;

import jdit.backend.Backend;
import jdit.sampling.Guidance;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/** Classifier-free guidance on every channel: {@code uncond + scale·(cond - uncond)} (Wan2.1, Latte, diffusers DiT). */
public record ClassifierFreeGuidance(float scale) implements Guidance {
    @Override
    public void combine(Tensor cond, Tensor uncond, int step, Tensor out, Backend be, Workspace ws) {
        be.pointwise().scaleAdd(cond, scale, uncond, 1 - scale, out);
    }
}
