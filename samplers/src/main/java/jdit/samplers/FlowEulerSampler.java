package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Flow-matching Euler with a static shift (diffusers {@code FlowMatchEulerDiscreteScheduler}):
 * {@code shift(s) = shift·s / (1 + (shift-1)·s)}. As in diffusers, the timesteps span the already shifted training
 * sigmas and are shifted again, so the smallest sigma is shifted twice (shift 3, 10 steps ends at t = 8.9286).
 */
final class FlowEulerSampler implements Sampler {
    private final double[] timesteps;
    private final double[] sigmas;

    FlowEulerSampler(SamplerConfig c) {
        int n = c.steps();
        int train = c.trainSteps();
        double sigmaMax = shift(c.shift(), 1.0);
        double sigmaMin = shift(c.shift(), 1.0 / train);
        double[] ts = AlphaSchedule.linspace(sigmaMax * train, sigmaMin * train, n);
        timesteps = new double[n];
        sigmas = new double[n + 1];
        for (int i = 0; i < n; i++) {
            sigmas[i] = shift(c.shift(), ts[i] / train);
            timesteps[i] = sigmas[i] * train;
        }
    }

    static double shift(double shift, double s) {
        return shift * s / (1 + (shift - 1) * s);
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public double[] cleanEstimate(int step) {
        return new double[] {1, -sigmas[step]}; // x0 = x - σ·v
    }

    @Override
    public void step(Tensor velocity, int step, Tensor x, NoiseSource noise, Backend be, Workspace ws) {
        Pointwise ops = be.pointwise();
        LinearStep.apply(x, 1, velocity, sigmas[step + 1] - sigmas[step], false, 0, noise, ops, ws);
    }
}
