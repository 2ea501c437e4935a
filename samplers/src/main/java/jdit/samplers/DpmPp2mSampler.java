package jdit.samplers;

import java.lang.foreign.Arena;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * DPM-Solver++ 2M (diffusers {@code DPMSolverMultistepScheduler}: dpmsolver++, order 2, midpoint, epsilon
 * prediction, final sigma 0, lower order on the final step). Timesteps {@code round(linspace(0, T-1, N+1))}
 * reversed without the last; the data prediction {@code m = (x - s·eps)/a} with {@code a = 1/sqrt(σ²+1)},
 * {@code s = σ·a}. The last sigma is 0, so its log-SNR is +infinity: the final first-order step returns m exactly.
 */
final class DpmPp2mSampler implements Sampler {
    private final double[] timesteps;
    private final double[] sigmas;
    private Tensor previous;
    private Tensor current;

    DpmPp2mSampler(SamplerConfig c) {
        double[] all = AlphaSchedule.linear(c).sigmas();
        double[] grid = AlphaSchedule.linspace(0, c.trainSteps() - 1, c.steps() + 1);
        timesteps = new double[c.steps()];
        sigmas = new double[c.steps() + 1];
        for (int i = 0; i < c.steps(); i++) {
            timesteps[i] = Math.round(grid[c.steps() - i]);
            sigmas[i] = AlphaSchedule.interp(all, timesteps[i]);
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

    @Override
    public double initNoiseSigma() {
        return 1;
    }

    @Override
    public double inputScale(int step) {
        return 1;
    }

    private static double alpha(double sigma) {
        return 1 / Math.sqrt(sigma * sigma + 1);
    }

    private static double lambda(double sigma) {
        double a = alpha(sigma);
        return Math.log(a) - Math.log(sigma * a);
    }

    @Override
    public void step(Tensor eps, int step, Tensor x, NoiseSource noise, Pointwise ops) {
        if (current == null) {
            current = Tensor.allocate(Arena.ofAuto(), DType.F32, x.shape());
            previous = Tensor.allocate(Arena.ofAuto(), DType.F32, x.shape());
        } else {
            Tensor t = previous;
            previous = current;
            current = t;
        }
        double s0 = sigmas[step];
        double a0 = alpha(s0);
        ops.scaleAdd(x, (float) (1 / a0), eps, (float) -s0, current); // m0 = (x - σ·a·eps)/a = x/a - σ·eps
        double st = sigmas[step + 1];
        double at = alpha(st);
        double h = lambda(st) - lambda(s0);
        double phi = Math.expm1(-h); // e^{-h} - 1; -1 when σ_t = 0
        double cx = st * at / (s0 * a0);
        boolean firstOrder = step == 0 || step == timesteps.length - 1;
        ops.scaleAdd(x, (float) cx, current, (float) (-at * phi), x);
        if (!firstOrder) {
            double r0 = (lambda(s0) - lambda(sigmas[step - 1])) / h;
            // - ½·a_t·(e^{-h}-1)·D1 with D1 = (m0 - m1)/r0
            double c = -0.5 * at * phi / r0;
            ops.scaleAdd(x, 1f, current, (float) c, x);
            ops.scaleAdd(x, 1f, previous, (float) -c, x);
        }
    }
}
