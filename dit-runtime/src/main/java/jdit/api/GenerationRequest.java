package jdit.api;

import jdit.tensor.Tensor;

/**
 * One generation, described fluently through {@link DiffusionModel#request()}; what is left unset takes the model
 * family's documented default (sampler, steps, guidance, size, frames).
 *
 * @param classLabel ImageNet class for DiT, UCF101 class for a class-conditional Latte; -1 for none
 * @param text the prompt's text-encoder output [L, textDim] for Wan2.1, null otherwise
 * @param negativeText the negative prompt's, or null for an empty one
 * @param frames video frames (Wan2.1: 4n+1), 0 for the default
 * @param width pixel width, 0 for the default (Wan2.1 only; DiT and Latte have their config's size)
 * @param height pixel height, 0 for the default
 */
public record GenerationRequest(long seed, Integer steps, String sampler, Float guidanceScale, Double shift, String attention,
                                String density, long classLabel, Tensor text, Tensor negativeText, int frames, int width, int height,
                                ProgressListener listener, boolean profile) {
    /** Fluent construction; every setter returns this builder. */
    public static final class Builder {
        private long seed;
        private Integer steps;
        private String sampler;
        private Float guidanceScale;
        private Double shift;
        private String attention = "dense";
        private String density = "dense";
        private long classLabel = -1;
        private Tensor text;
        private Tensor negativeText;
        private int frames;
        private int width;
        private int height;
        private ProgressListener listener = ProgressListener.NONE;
        private boolean profile;

        Builder() {
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder steps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be positive, got " + steps);
            }
            this.steps = steps;
            return this;
        }

        /** A sampler by name (ddpm, ddim, euler, euler-a, dpmpp-2m, unipc, flow-euler, flow-unipc, flow-dpmpp). */
        public Builder sampler(String name) {
            this.sampler = name;
            return this;
        }

        /** Classifier-free guidance scale; 1 or less runs the conditional branch only. */
        public Builder guidance(float scale) {
            this.guidanceScale = scale;
            return this;
        }

        /** Flow-matching timestep shift (Wan2.1). */
        public Builder shift(double shift) {
            this.shift = shift;
            return this;
        }

        /** The token-density method, spelled as {@code jdit generate --density} (dense, flex, flex:schedule=4@0.2/2@0.5, ...). */
        public Builder density(String spec) {
            this.density = spec;
            return this;
        }

        /** The self-attention method, spelled as {@code jdit generate --attention} (dense, svg, nabla+lite, ...). */
        public Builder attention(String spec) {
            this.attention = spec;
            return this;
        }

        public Builder classLabel(long label) {
            this.classLabel = label;
            return this;
        }

        /** The prompt's text-encoder output [L, textDim] (Wan2.1). */
        public Builder text(Tensor embeddings) {
            this.text = embeddings;
            return this;
        }

        public Builder negativeText(Tensor embeddings) {
            this.negativeText = embeddings;
            return this;
        }

        public Builder frames(int frames) {
            this.frames = frames;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        /** Times every op (per op kind, per layer, FLOPs) into the result's profile. */
        public Builder profile(boolean on) {
            this.profile = on;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(seed, steps, sampler, guidanceScale, shift, attention, density, classLabel, text, negativeText,
                    frames, width, height, listener, profile);
        }
    }
}
