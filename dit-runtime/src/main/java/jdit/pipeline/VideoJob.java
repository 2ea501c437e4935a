package jdit.pipeline;

import jdit.attention.AttentionMethod;
import jdit.sampling.Guidance;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.tensor.Tensor;

/**
 * One text-to-video generation: the prompt's text-encoder output [L, textDim], the negative prompt's (or null for
 * an empty one: all text rows zero), the video's frames, height and width in pixels, the noise, a fresh sampler, the
 * guidance (null: the conditional pass only) and the attention method for self-attention.
 */
public record VideoJob(Tensor text, Tensor negativeText, int frames, int height, int width, NoiseSource noise,
                       Sampler sampler, Guidance guidance, AttentionMethod attention, jdit.density.TokenDensity density) {
    /** A job with every block on every token. */
    public VideoJob(Tensor text, Tensor negativeText, int frames, int height, int width, NoiseSource noise, Sampler sampler,
                    Guidance guidance, AttentionMethod attention) {
        this(text, negativeText, frames, height, width, noise, sampler, guidance, attention, jdit.density.TokenDensity.DENSE);
    }

    public VideoJob {
        if (frames < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a video needs positive frames and sides, got " + frames + " frames of "
                    + width + "x" + height);
        }
    }
}
