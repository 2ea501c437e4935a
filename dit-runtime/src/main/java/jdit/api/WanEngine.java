package jdit.api;

import java.util.Optional;
import jdit.attention.AttentionMethods;
import jdit.backend.Backend;
import jdit.model.wan.WanModel;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.TextVideoPipeline;
import jdit.pipeline.VideoJob;
import jdit.sampling.CounterNoise;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.sampling.guidance.ClassifierFreeGuidance;
import jdit.tensor.Workspace;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeFrames;

/**
 * Wan2.1 text-to-video with {@code generate.py}'s recipe by default: 81 frames at 832x480, flow UniPC with 50 steps
 * and shift 5, guidance 5 as two passes per step. The prompt comes as its text-encoder output.
 */
final class WanEngine implements Engine {
    private final WanModel wan;
    private final WanVae vae;
    private final AutoCloseable vaeStore;

    WanEngine(WanModel wan, WanVae vae, AutoCloseable vaeStore) {
        this.wan = wan;
        this.vae = vae;
        this.vaeStore = vaeStore;
    }

    @Override
    public String description() {
        var c = wan.config();
        return "Wan2.1 (" + wan.layout().name().toLowerCase() + " layout, " + c.numLayers() + " blocks, dim " + c.dim() + ")";
    }

    @Override
    public GenerationResult run(GenerationRequest r, Backend be, GenerationListener listener) {
        if (r.text() == null) {
            throw new IllegalArgumentException("Wan2.1 needs text: the prompt's text-encoder output [L, "
                    + wan.config().textDim() + "] (request().text(...))");
        }
        if (r.classLabel() >= 0) {
            throw new IllegalArgumentException("a class label does not apply to a text-to-video model");
        }
        SamplerDefaults d = SamplerDefaults.wan21();
        String name = r.sampler() != null ? r.sampler() : d.sampler();
        var config = d.config().withSteps(r.steps() != null ? r.steps() : d.config().steps())
                .withShift(r.shift() != null ? r.shift() : d.config().shift());
        float scale = r.guidanceScale() != null ? r.guidanceScale() : d.guidanceScale();
        int frames = r.frames() != 0 ? r.frames() : 81;
        int width = r.width() != 0 ? r.width() : 832;
        int height = r.height() != 0 ? r.height() : 480;
        TextVideoPipeline pipeline = new TextVideoPipeline(wan, new WanVaeFrames(vae), be);
        pipeline.latentShape(frames, height, width); // checks frames and sides before anything heavy
        VideoJob job = new VideoJob(r.text(), r.negativeText(), frames, height, width, new CounterNoise(r.seed()),
                Samplers.byName(name).create(config), scale > 1 ? new ClassifierFreeGuidance(scale) : null,
                AttentionMethods.create(r.attention()), jdit.density.TokenDensities.create(r.density()));
        Frames out = new Frames();
        try (Workspace ws = be.memory().workspace()) {
            pipeline.generate(job, listener, out, ws);
        }
        return new GenerationResult(out.list(), 0, Optional.empty());
    }

    @Override
    public void close() {
        try (vaeStore) {
            wan.close();
            vae.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
