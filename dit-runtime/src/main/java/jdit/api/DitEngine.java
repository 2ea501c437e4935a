package jdit.api;

import java.util.Optional;
import jdit.attention.AttentionMethods;
import jdit.backend.Backend;
import jdit.model.dit.DitKeys;
import jdit.model.dit.DitModel;
import jdit.pipeline.ClassImagePipeline;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.ImageJob;
import jdit.sampling.CounterNoise;
import jdit.sampling.Guidance;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;

/**
 * DiT images with DiT's recipe by default: DDPM with the learned variance over 250 respaced steps, guidance 4 on the
 * first 3 latent channels for the original layout (all channels, as diffusers' pipeline, for the diffusers layout),
 * class 207 (modulo the class count).
 */
final class DitEngine implements Engine {
    private final DitModel dit;
    private final SdVae vae;
    private final AutoCloseable vaeStore;

    DitEngine(DitModel dit, SdVae vae, AutoCloseable vaeStore) {
        this.dit = dit;
        this.vae = vae;
        this.vaeStore = vaeStore;
    }

    @Override
    public String description() {
        var c = dit.config();
        return "DiT (" + dit.layout().name().toLowerCase() + " layout, " + c.depth() + " blocks, hidden " + c.hiddenSize() + ")";
    }

    @Override
    public GenerationResult run(GenerationRequest r, Backend be, GenerationListener listener) {
        if (r.text() != null || r.frames() > 1) {
            throw new IllegalArgumentException("text and frames are for video models; DiT makes class-conditional images");
        }
        var c = dit.config();
        ClassImagePipeline pipeline = new ClassImagePipeline(dit, vae, be);
        int side = pipeline.imageSize();
        if ((r.width() != 0 && r.width() != side) || (r.height() != 0 && r.height() != side)) {
            throw new IllegalArgumentException("this DiT makes " + side + " px images, not " + r.width() + "x" + r.height());
        }
        SamplerDefaults d = SamplerDefaults.dit();
        String name = r.sampler() != null ? r.sampler() : d.sampler();
        boolean respaced = c.learnSigma() && (name.equals("ddpm") || name.equals("ddim"));
        Sampler sampler = Samplers.byName(name).create(d.config().withSteps(r.steps() != null ? r.steps() : d.config().steps())
                .withLearnedVariance(respaced));
        float scale = r.guidanceScale() != null ? r.guidanceScale() : d.guidanceScale();
        Guidance g = scale <= 1 ? null : new DitChannelGuidance(scale, dit.layout() == DitKeys.ORIGINAL ? 3 : c.inChannels());
        long label = r.classLabel() >= 0 ? r.classLabel() : 207 % c.numClasses(); // DiT's sample: golden retriever
        if (label >= c.numClasses()) {
            throw new IllegalArgumentException("class " + label + ": this DiT has classes 0 to " + (c.numClasses() - 1));
        }
        try (Workspace out = be.memory().workspace()) {
            Tensor images = pipeline.generate(new ImageJob(new long[] {label}, new CounterNoise(r.seed()), sampler, respaced, g,
                    AttentionMethods.create(r.attention()), jdit.density.TokenDensities.create(r.density())), listener, out);
            Frames frames = new Frames();
            frames.addImages(jdit.backend.Transfers.toHost(images, be.memory(), java.lang.foreign.Arena.ofAuto()));
            return new GenerationResult(frames.list(), 0, Optional.empty());
        }
    }

    @Override
    public void close() {
        try (vaeStore) {
            dit.close();
            vae.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
