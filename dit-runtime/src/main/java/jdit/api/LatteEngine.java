package jdit.api;

import java.util.Optional;
import jdit.attention.AttentionMethods;
import jdit.backend.Backend;
import jdit.model.latte.LatteModel;
import jdit.pipeline.ClassVideoPipeline;
import jdit.pipeline.GenerationListener;
import jdit.sampling.CounterNoise;
import jdit.sampling.Guidance;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeFrames;

/**
 * Latte videos with its sample script's recipe by default: DDPM with the learned variance over 250 steps, guidance 7
 * on all latent channels for a class-conditional model (class 0 unless given), none for an unconditional one.
 */
final class LatteEngine implements Engine {
    private final LatteModel latte;
    private final SdVae vae;
    private final AutoCloseable vaeStore;

    LatteEngine(LatteModel latte, SdVae vae, AutoCloseable vaeStore) {
        this.latte = latte;
        this.vae = vae;
        this.vaeStore = vaeStore;
    }

    @Override
    public String description() {
        var c = latte.config();
        return "Latte (" + c.depth() + " blocks, hidden " + c.hiddenSize() + ", " + c.numFrames() + " frames)";
    }

    @Override
    public GenerationResult run(GenerationRequest r, Backend be, GenerationListener listener) {
        var c = latte.config();
        boolean conditional = c.numClasses() > 0;
        if (r.text() != null) {
            throw new IllegalArgumentException("Latte is class-conditional or unconditional: no text");
        }
        if (!conditional && r.classLabel() >= 0) {
            throw new IllegalArgumentException("this Latte is unconditional: no class label");
        }
        if (r.frames() != 0 && r.frames() != c.numFrames()) {
            throw new IllegalArgumentException("this Latte makes " + c.numFrames() + " frames, not " + r.frames());
        }
        long label = conditional ? Math.max(0, r.classLabel()) : 0;
        if (label >= Math.max(1, c.numClasses())) {
            throw new IllegalArgumentException("class " + label + ": this Latte has classes 0 to " + (c.numClasses() - 1));
        }
        ClassVideoPipeline pipeline = new ClassVideoPipeline(latte, new SdVaeFrames(vae), be);
        SamplerDefaults d = SamplerDefaults.dit();
        String name = r.sampler() != null ? r.sampler() : "ddpm";
        boolean respaced = c.learnSigma() && (name.equals("ddpm") || name.equals("ddim"));
        Sampler sampler = Samplers.byName(name).create(d.config().withSteps(r.steps() != null ? r.steps() : d.config().steps())
                .withLearnedVariance(respaced));
        float scale = r.guidanceScale() != null ? r.guidanceScale() : conditional ? 7f : 1f;
        Guidance g = conditional && scale > 1 ? new DitChannelGuidance(scale, c.inChannels()) : null;
        Frames frames = new Frames();
        try (Workspace out = be.memory().workspace()) {
            if (jdit.density.TokenDensities.create(r.density()) != jdit.density.TokenDensity.DENSE) {
                throw new IllegalArgumentException("token density is for DiT and Wan2.1 models; Latte runs dense");
            }
            pipeline.generate(label, new CounterNoise(r.seed()), sampler, respaced, g, AttentionMethods.create(r.attention()),
                    listener, frames, out);
        }
        return new GenerationResult(frames.list(), 0, Optional.empty());
    }

    @Override
    public void close() {
        try (vaeStore) {
            latte.close();
            vae.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
