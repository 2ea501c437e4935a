package jdit.profile;

import jdit.attention.AttentionStep;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.model.latte.LatteConfig;
import jdit.model.latte.LatteModel;
import jdit.pipeline.VideoDecoder;
import jdit.sampling.Sampler;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Latte under the profiler: one video of the config's frames, class 0 for a class-conditional model, DDPM with the
 * learned variance as Latte's sample script (DiT's diffusion code). Spatial blocks attend over one frame's tokens,
 * temporal blocks over one position's frames.
 */
final class LatteProfiled extends ProfiledBase {
    private final LatteModel model;

    LatteProfiled(LatteModel model, String description, VideoDecoder decoder, AutoCloseable vae) {
        super(description, decoder, model, vae);
        this.model = model;
    }

    @Override
    public boolean supportsDensity() {
        return false;
    }

    @Override
    public long[] latentShape() {
        LatteConfig c = model.config();
        return new long[] {1, c.inChannels(), c.numFrames(), c.inputSize(), c.inputSize()};
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
        LatteConfig c = model.config();
        Tensor input = ws.allocate(DType.F32, 1, c.numFrames(), c.inChannels(), c.inputSize(), c.inputSize());
        be.memory().copy(x.select(0, 0).transpose(0, 1), input.select(0, 0)); // [C, F, H, W] -> [F, C, H, W]
        long[] labels = c.numClasses() > 0 ? new long[] {0} : null;
        Tensor out = model.forward(input, new double[] {timestep}, labels, step, be, ws); // [1, F, outC, H, W]
        Tensor prediction = ws.allocate(DType.F32, 1, c.outChannels(), c.numFrames(), c.inputSize(), c.inputSize());
        be.memory().copy(out.transpose(1, 2), prediction);
        return prediction;
    }

}
