package jdit.sampling;

import jdit.backend.Backend;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * One denoising solver for one generation, following diffusers' {@code set_timesteps} / {@code scale_model_input} /
 * {@code step} semantics; steps are addressed by index, never by timestep value. Multistep solvers keep history, so
 * a sampler is created per generation by its {@link SamplerProvider}.
 */
public interface Sampler {
    /** The timesteps the model is called at, one per step, fixed at creation. */
    double[] timesteps();

    /** The noise levels, {@code steps + 1} long (the last usually 0), or empty for samplers without sigmas. */
    default double[] sigmas() {
        return new double[0];
    }

    /** The scale of the initial noise (diffusers' {@code init_noise_sigma}); 1 unless the sampler says otherwise. */
    default double initNoiseSigma() {
        return 1;
    }

    /** The factor the sample is multiplied by before the model sees it at step {@code step}; 1 for most. */
    default double inputScale(int step) {
        return 1;
    }

    /**
     * The coefficients {cx, ce} of the current estimate of the clean sample at step {@code step}:
     * {@code x0 ≈ cx·sample + ce·prediction}, the prediction being the model output's first latent channels (epsilon
     * or velocity, as the sampler takes it), the sample as it is before this step. Null where the sampler cannot say.
     * Previews decode this estimate.
     */
    default double[] cleanEstimate(int step) {
        return null;
    }

    /**
     * Advances {@code sample} in place from step {@code step} to the next, given the model's output there (epsilon
     * or flow velocity, as the sampler was configured); draws from {@code noise} when the solver is stochastic. The
     * tensors live on {@code be}'s device; {@code ws} (on that device, living for the generation) holds the history
     * a multistep solver keeps, and the temporaries of a step, which go back to it before the step returns.
     */
    void step(Tensor modelOutput, int step, Tensor sample, NoiseSource noise, Backend be, Workspace ws);
}
