package jdit.vae.wan;

import jdit.backend.Backend;
import jdit.pipeline.VideoDecoder;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The Wan VAE as the video pipeline's decoder: causal, one latent frame per chunk (1 video frame for the first,
 * the temporal factor after), each chunk clamped to [-1, 1] as {@code WanVAE.decode} does before it is handed on.
 */
public final class WanVaeFrames implements VideoDecoder {
    private final WanVae vae;

    public WanVaeFrames(WanVae vae) {
        this.vae = vae;
    }

    @Override
    public int latentChannels() {
        return vae.config().zDim();
    }

    @Override
    public int spatialScale() {
        return vae.config().spatialFactor();
    }

    @Override
    public int videoFrames(int latentFrames) {
        return vae.videoFrames(latentFrames);
    }

    @Override
    public int latentFrames(int videoFrames) {
        int k = vae.config().temporalFactor();
        if (videoFrames < 1 || (videoFrames - 1) % k != 0) {
            throw new IllegalArgumentException("this VAE makes " + k + "n+1 frames (1, " + (k + 1) + ", " + (2 * k + 1)
                    + ", ..., 81, ...), not " + videoFrames);
        }
        return 1 + (videoFrames - 1) / k;
    }

    @Override
    public void decode(Tensor latent, ChunkSink sink, Backend be, Workspace ws) {
        vae.decode(latent, (frames, first) -> {
            WanVae.clampToUnit(frames, be, ws);
            sink.accept(frames, first);
        }, be, ws);
    }
}
