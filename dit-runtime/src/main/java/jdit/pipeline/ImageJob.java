package jdit.pipeline;

import jdit.attention.AttentionMethod;
import jdit.sampling.Guidance;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;

/**
 * One class-conditional generation: a class per image, the noise (seeded), a fresh sampler, whether that sampler
 * takes the learned variance channels (DiT's own DDPM/DDIM) or only the first {@code inChannels} (epsilon), the
 * guidance (null for none: only the conditional branch runs) and the attention method.
 */
public record ImageJob(long[] classes, NoiseSource noise, Sampler sampler, boolean samplerTakesVariance,
                       Guidance guidance, AttentionMethod attention, jdit.density.TokenDensity density) {
    /** A job with every block on every token. */
    public ImageJob(long[] classes, NoiseSource noise, Sampler sampler, boolean samplerTakesVariance, Guidance guidance,
                    AttentionMethod attention) {
        this(classes, noise, sampler, samplerTakesVariance, guidance, attention, jdit.density.TokenDensity.DENSE);
    }

    public ImageJob {
        if (classes.length == 0) {
            throw new IllegalArgumentException("no image requested");
        }
        classes = classes.clone();
    }

    @Override
    public long[] classes() {
        return classes.clone();
    }
}
