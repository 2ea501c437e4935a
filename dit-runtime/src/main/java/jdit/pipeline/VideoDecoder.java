package jdit.pipeline;

import jdit.backend.Backend;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * A latent-video decoder that hands frames out as it decodes them, so that a pipeline never holds a whole video:
 * Wan's causal VAE decodes one latent frame at a time; an image VAE one frame at a time.
 */
public interface VideoDecoder {
    /** Receives decoded frames as they are ready. */
    @FunctionalInterface
    interface ChunkSink {
        /** {@code frames} [1, 3, n, H, W] in [-1, 1] (clamped), the first of them being video frame {@code first}. */
        void accept(Tensor frames, int first);
    }

    /** Latent channels it takes. */
    int latentChannels();

    /** Pixels per latent cell along height and width. */
    int spatialScale();

    /** Video frames decoded from {@code latentFrames} latent frames. */
    int videoFrames(int latentFrames);

    /** Latent frames that decode to {@code videoFrames} frames, or an {@link IllegalArgumentException} naming the rule. */
    int latentFrames(int videoFrames);

    /** Decodes {@code latent} [1, C, F, h, w] (as the diffusion model produced it) chunk by chunk into {@code sink}. */
    void decode(Tensor latent, ChunkSink sink, Backend be, Workspace ws);
}
