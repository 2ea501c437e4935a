package jdit.vae.wan;

import jdit.tensor.Tensor;

/**
 * Receives a video from {@link WanVae#decode(Tensor, DecodedChunkConsumer, jdit.backend.Backend,
 * jdit.tensor.Workspace)} a few frames at a time, in order, so that a pipeline can write or encode frames as they
 * come and never hold the whole video.
 */
@FunctionalInterface
public interface DecodedChunkConsumer {
    /**
     * @param frames     [B, 3, n, H, W] in about [-1, 1], not yet clamped; valid only during this call (its memory
     *                   is reused for the next chunk), so copy what must outlive it
     * @param firstFrame index in the whole video of the chunk's first frame
     */
    void accept(Tensor frames, int firstFrame);
}
