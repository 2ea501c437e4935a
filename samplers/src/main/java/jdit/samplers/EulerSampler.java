package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.SigmaSpacing;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Euler and Euler ancestral on k-diffusion sigmas (diffusers {@code EulerDiscreteScheduler} and
 * {@code EulerAncestralDiscreteScheduler}, linspace spacing, epsilon prediction): timesteps
 * {@code linspace(0, T-1, N)} reversed, sigmas interpolated there with a final 0, input scaled by
 * {@code 1/sqrt(σ²+1)}.
 */
final class EulerSampler implements Sampler {
    private final double[] timesteps;
    private final double[] sigmas;
    private final boolean ancestral;

    EulerSampler(SamplerConfig c, boolean ancestral) {
        this.ancestral = ancestral;
        double[] all = AlphaSchedule.of(c).sigmas();
        double[] ts = AlphaSchedule.linspace(0, c.trainSteps() - 1, c.steps());
        timesteps = new double[c.steps()];
        sigmas = new double[c.steps() + 1];
        for (int i = 0; i < c.steps(); i++) {
            timesteps[i] = ts[c.steps() - 1 - i];
            sigmas[i] = AlphaSchedule.interp(all, timesteps[i]);
        }
        if (c.sigmaSpacing() == SigmaSpacing.KARRAS) {
            // diffusers: Karras between the interpolated extremes, fractional timesteps read back from the sigmas
            double[] k = AlphaSchedule.karras(sigmas[c.steps() - 1], sigmas[0], c.steps());
            for (int i = 0; i < c.steps(); i++) {
                sigmas[i] = k[i];
                timesteps[i] = AlphaSchedule.sigmaToT(k[i], all);
            }
        }
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** The largest sigma: diffusers' value for linspace spacing. */
    @Override
    public double initNoiseSigma() {
        return sigmas[0];
    }

    @Override
    public double inputScale(int step) {
        return 1 / Math.sqrt(sigmas[step] * sigmas[step] + 1);
    }

    @Override
    public double[] cleanEstimate(int step) {
        return new double[] {1, -sigmas[step]}; // x0 = x - σ·eps in the unscaled sample's space
    }

    @Override
    public void step(Tensor eps, int step, Tensor x, NoiseSource noise, Backend be, Workspace ws) {
        Pointwise ops = be.pointwise();
        double s = sigmas[step];
        double next = sigmas[step + 1];
        if (!ancestral) {
            LinearStep.apply(x, 1, eps, next - s, false, 0, noise, ops, ws); // d = (x - x0)/σ = eps
            return;
        }
        double up = Math.sqrt(next * next * (s * s - next * next) / (s * s));
        double down = Math.sqrt(next * next - up * up);
        LinearStep.apply(x, 1, eps, down - s, true, up, noise, ops, ws);
    }
}
