package jdit.profile;

import jdit.attention.AttentionStep;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.pipeline.VideoDecoder;
import jdit.sampling.CounterNoise;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Wan2.1 under the profiler: a latent of {@code frames} video frames at width x height, text conditioning from
 * seeded random umT5-shaped embeddings (the full 512 rows: the cross-attention cost of a real prompt), flow UniPC
 * with shift 5 as Wan's {@code generate.py}.
 */
final class WanProfiled extends ProfiledBase {
    private final WanModel model;
    private final long[] latent;
    private Tensor text;

    /** {@code decoder} may be null (no VAE); {@code vae} (or null) is closed with this. */
    WanProfiled(WanModel model, String description, int frames, int width, int height, VideoDecoder decoder, AutoCloseable vae) {
        WanConfig c = model.config();
        int cell = 8 * c.patchH();
        if (width % cell != 0 || height % cell != 0 || (frames - 1) % 4 != 0) {
            model.close();
            Profiler.closeQuietly(vae);
            throw new IllegalArgumentException("Wan2.1 needs sides in multiples of " + cell + " px and 4n+1 frames, got "
                    + width + "x" + height + " and " + frames + " frames");
        }
        super(description, decoder, model, vae);
        this.model = model;
        this.latent = new long[] {1, c.inDim(), (frames - 1) / 4 + 1, height / 8, width / 8};
    }

    @Override
    public long[] latentShape() {
        return latent.clone();
    }

    @Override
    public TokenGrid grid() {
        WanConfig c = model.config();
        return new TokenGrid((int) latent[2] / c.patchT(), (int) latent[3] / c.patchH(), (int) latent[4] / c.patchW());
    }

    @Override
    public int layers() {
        return model.config().numLayers();
    }

    @Override
    public int heads() {
        return model.config().numHeads();
    }

    @Override
    public int headDim() {
        return model.config().headDim();
    }

    @Override
    public Sampler sampler(int steps) {
        SamplerDefaults d = SamplerDefaults.wan21();
        return Samplers.byName(d.sampler()).create(d.config().withSteps(steps));
    }

    @Override
    public long weightBytes() {
        return model.weightBytes();
    }

    @Override
    public void prepare(Backend be, Workspace ws) {
        Tensor prompt = ws.allocate(DType.F32, model.config().textLen(), model.config().textDim());
        new jdit.sampling.UploadedNoise(new CounterNoise(3), be.memory()).next(prompt);
        text = model.embedText(prompt, be, ws).unsqueeze(0);
    }

    @Override
    public Tensor predict(Tensor x, double timestep, AttentionStep step, Backend be, Workspace ws) {
        if (text == null) {
            throw new IllegalStateException("prepare() first");
        }
        return model.forward(x, new double[] {timestep}, text, step, be, ws);
    }

}
