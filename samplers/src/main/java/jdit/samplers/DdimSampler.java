package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * DDIM (diffusers {@code DDIMScheduler}, leading spacing, {@code set_alpha_to_one}, no clipping): deterministic for
 * eta 0, DDPM-like noise for eta > 0 (drawn at every step, as diffusers does).
 */
final class DdimSampler implements Sampler {
    private final AlphaSchedule schedule;
    private final double[] timesteps;
    private final int ratio;
    private final double eta;

    DdimSampler(SamplerConfig c) {
        this.schedule = AlphaSchedule.of(c);
        this.timesteps = AlphaSchedule.leading(c.trainSteps(), c.steps());
        this.ratio = c.trainSteps() / c.steps();
        this.eta = c.eta();
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
        double std = eta * Math.sqrt((1 - ap) / (1 - a) * (1 - a / ap));
        // x' = sqrt(ap)·x0 + sqrt(1 - ap - std²)·eps (+ std·z), with x0 = (x - sqrt(1-a)·eps)/sqrt(a)
        double cx = Math.sqrt(ap / a);
        double ce = -Math.sqrt(ap) * Math.sqrt(1 - a) / Math.sqrt(a) + Math.sqrt(Math.max(1 - ap - std * std, 0));
        LinearStep.apply(x, cx, eps, ce, eta > 0, std, noise, ops, ws);
    }
}
