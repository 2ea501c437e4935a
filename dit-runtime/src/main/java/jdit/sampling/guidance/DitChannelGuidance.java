package jdit.sampling.guidance;

import jdit.backend.Backend;
import jdit.sampling.Guidance;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * DiT's {@code forward_with_cfg}: guidance on the first {@code channels} channels only (3 in the official code, a
 * choice its authors kept for reproducibility), the remaining channels (the rest of eps and the learned variance)
 * taken from the conditional branch.
 */
public record DitChannelGuidance(float scale, int channels) implements Guidance {
    public static DitChannelGuidance official(float scale) {
        return new DitChannelGuidance(scale, 3);
    }

    @Override
    public void combine(Tensor cond, Tensor uncond, int step, Tensor out, Backend be, Workspace ws) {
        if (cond.dim(1) < channels) {
            throw new IllegalArgumentException("DiT guidance on " + channels + " channels of an output with " + cond.dim(1));
        }
        if (out != cond) {
            be.memory().copy(cond, out);
        }
        Tensor o = out.narrow(1, 0, channels);
        be.pointwise().scaleAdd(cond.narrow(1, 0, channels), scale, uncond.narrow(1, 0, channels), 1 - scale, o);
    }
}
