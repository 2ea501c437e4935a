package jdit.vae.sd;

import jdit.backend.Backend;
import jdit.pipeline.VideoDecoder;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/** The SD VAE as a video decoder for image-VAE video models (Latte): each latent frame decoded on its own. */
public final class SdVaeFrames implements VideoDecoder {
    private final SdVae vae;

    public SdVaeFrames(SdVae vae) {
        this.vae = vae;
    }

    @Override
    public int latentChannels() {
        return vae.config().latentChannels();
    }

    @Override
    public int spatialScale() {
        return vae.config().downscale();
    }

    @Override
    public int videoFrames(int latentFrames) {
        return latentFrames;
    }

    @Override
    public int latentFrames(int videoFrames) {
        return videoFrames;
    }

    /** latent [1, C, F, h, w]; frame f goes to the sink as [1, 3, 1, H, W] before frame f + 1 is decoded. */
    @Override
    public void decode(Tensor latent, ChunkSink sink, Backend be, Workspace ws) {
        for (int f = 0; f < latent.dim(2); f++) {
            Tensor z = ws.copy(latent.select(2, f)); // [1, C, h, w]
            Tensor img = vae.decode(z, be, ws);
            sink.accept(img.reshape(img.dim(0), img.dim(1), 1, img.dim(2), img.dim(3)), f);
            ws.release(img);
            ws.release(z);
        }
    }
}
