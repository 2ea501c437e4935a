package jdit.profile;

import jdit.attention.AttentionStep;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitModel;
import jdit.pipeline.VideoDecoder;
import jdit.sampling.Sampler;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * DiT under the profiler: one image of class 207 (the DiT README's sample), DDPM over the respaced process with the
 * learned variance as DiT's {@code sample.py}; the latent is [1, C, 1, h, w] so that it decodes like a one-frame video.
 */
final class DitProfiled extends ProfiledBase {
    private final DitModel model;

    DitProfiled(DitModel model, String description, VideoDecoder decoder, AutoCloseable vae) {
        super(description, decoder, model, vae);
        this.model = model;
    }

    @Override
    public long[] latentShape() {
        DitConfig c = model.config();
        return new long[] {1, c.inChannels(), 1, c.inputSize(), c.inputSize()};
    }

    @Override
    public TokenGrid grid() {
        int g = model.config().inputSize() / model.config().patchSize();
        return TokenGrid.image(g, g);
    }

    @Override
    public int layers() {
        return model.config().depth();
    }

    @Override
    public int heads() {
        return model.config().numHeads();
    }

    @Override
    public int headDim() {
        return model.config().hiddenSize() / model.config().numHeads();
    }

    @Override
    public Sampler sampler(int steps) {
        return ditSampler(steps, model.config().learnSigma());
    }

    @Override
    public long weightBytes() {
        return model.weightBytes();
    }

    @Override
    public Tensor predict(Tensor x, double timestep, AttentionStep step, Backend be, Workspace ws) {
        DitConfig c = model.config();
        Tensor image = x.reshape(1, c.inChannels(), c.inputSize(), c.inputSize());
        Tensor out = model.forward(image, new double[] {timestep}, new long[] {207 % c.numClasses()}, step, be, ws);
        return out.reshape(1, out.dim(1), 1, c.inputSize(), c.inputSize()); // with the variance channels, if learned

    }

}
