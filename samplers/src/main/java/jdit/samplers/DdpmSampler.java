package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * DDPM (diffusers {@code DDPMScheduler}, leading spacing, fixed_small variance, no clipping): the posterior mean
 * plus {@code sqrt(var)·z}, with no noise at t = 0. DiT's learned-range variance is {@link IddpmSampler}.
 */
final class DdpmSampler implements Sampler {
    private final AlphaSchedule schedule;
    private final double[] timesteps;
    private final int ratio;

    DdpmSampler(SamplerConfig c) {
        this.schedule = AlphaSchedule.of(c);
        this.timesteps = AlphaSchedule.leading(c.trainSteps(), c.steps());
        this.ratio = c.trainSteps() / c.steps();
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public double[] cleanEstimate(int step) {
        double a = schedule.abar((int) timesteps[step]);
        return new double[] {1 / Math.sqrt(a), -Math.sqrt(1 - a) / Math.sqrt(a)};
    }

    @Override
    public void step(Tensor eps, int step, Tensor x, NoiseSource noise, Backend be, Workspace ws) {
        Pointwise ops = be.pointwise();
        int t = (int) timesteps[step];
        int prev = t - ratio;
        double a = schedule.abar(t);
        double ap = prev >= 0 ? schedule.abar(prev) : 1.0;
        double curAlpha = a / ap;
        double curBeta = 1 - curAlpha;
        double cx0 = Math.sqrt(ap) * curBeta / (1 - a);
        double cxt = Math.sqrt(curAlpha) * (1 - ap) / (1 - a);
        // mu = cx0·x0 + cxt·x with x0 = (x - sqrt(1-a)·eps)/sqrt(a)
        double cx = cx0 / Math.sqrt(a) + cxt;
        double ce = -cx0 * Math.sqrt(1 - a) / Math.sqrt(a);
        double var = Math.max((1 - ap) / (1 - a) * curBeta, 1e-20);
        LinearStep.apply(x, cx, eps, ce, t > 0, Math.sqrt(var), noise, ops, ws);
    }
}
