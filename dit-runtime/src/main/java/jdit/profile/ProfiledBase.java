package jdit.profile;

import java.util.Optional;
import jdit.pipeline.VideoDecoder;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;

/** What every profiled family shares: its description, the optional decoder, and closing the model with its VAE. */
abstract class ProfiledBase implements ProfiledModel {
    private final String description;
    private final VideoDecoder decoder;
    private final AutoCloseable model;
    private final AutoCloseable vae;

    /** {@code decoder} and {@code vae} may be null (no VAE); {@code model} and {@code vae} are closed with this. */
    ProfiledBase(String description, VideoDecoder decoder, AutoCloseable model, AutoCloseable vae) {
        this.description = description;
        this.decoder = decoder;
        this.model = model;
        this.vae = vae;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Optional<VideoDecoder> decoder() {
        return Optional.ofNullable(decoder);
    }

    @Override
    public final void close() {
        try {
            Profiler.closeQuietly(model);
        } finally {
            Profiler.closeQuietly(vae);
        }
    }

    /** DiT's and Latte's sampler: DDPM over the respaced process, with the learned variance when the model has it. */
    static Sampler ditSampler(int steps, boolean learnSigma) {
        SamplerDefaults d = SamplerDefaults.dit();
        return Samplers.byName(d.sampler()).create(d.config().withSteps(steps).withLearnedVariance(learnSigma));
    }
}
