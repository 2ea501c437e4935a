package jdit.model.dit;

import jdit.attention.AttentionStep;
import jdit.backend.Backend;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/** A class-conditional latent image model with DiT's interface: DiT itself and SparseDiT. */
public interface ClassImageModel extends AutoCloseable {
    /** The DiT configuration of the stem and head: latent size and channels, classes, learned sigma. */
    DitConfig ditConfig();

    /** The model output [N, outC, H, W] for latents x [N, C, H, W] at timesteps t with labels y. */
    Tensor forward(Tensor x, double[] t, long[] y, AttentionStep step, Backend be, Workspace ws);

    /** Bytes of parameter memory held. */
    long weightBytes();

    @Override
    void close();
}
