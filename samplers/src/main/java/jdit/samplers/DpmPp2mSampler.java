package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * DPM-Solver++ 2M (diffusers {@code DPMSolverMultistepScheduler}: dpmsolver++, order 2, midpoint, final sigma 0,
 * lower order on the final step; and Wan's {@code FlowDPMSolverMultistepScheduler}, the same solver on flow sigmas).
 * The last sigma is 0, so its log-SNR is +infinity: the final first-order step returns the data prediction exactly.
 */
final class DpmPp2mSampler implements Sampler {
    private final double[] timesteps;
    private final double[] sigmas;
    private Tensor previous;
    private Tensor current;

    private final Parameterization param;

    DpmPp2mSampler(SigmaGrids.Grid grid, Parameterization param) {
        this.timesteps = grid.timesteps();
        this.sigmas = grid.sigmas();
        this.param = param;
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
        return new double[] {param.sampleCoefficient(sigmas[step]), -sigmas[step]};
    }

    @Override
    public void step(Tensor eps, int step, Tensor x, NoiseSource noise, Backend be, Workspace ws) {
        Pointwise ops = be.pointwise();
        if (current == null) {
            current = ws.allocate(DType.F32, x.shape()); // the solver's history, kept for the generation
            previous = ws.allocate(DType.F32, x.shape());
        } else {
            Tensor t = previous;
            previous = current;
            current = t;
        }
        double s0 = sigmas[step];
        ops.scaleAdd(x, (float) param.sampleCoefficient(s0), eps, (float) -s0, current); // m0
        double st = sigmas[step + 1];
        double at = param.alpha(st);
        double h = param.lambda(st) - param.lambda(s0);
        double phi = Math.expm1(-h); // e^{-h} - 1; -1 when σ_t = 0
        double cx = param.noiseScale(st) / param.noiseScale(s0);
        boolean firstOrder = step == 0 || step == timesteps.length - 1;
        ops.scaleAdd(x, (float) cx, current, (float) (-at * phi), x);
        if (!firstOrder) {
            double r0 = (param.lambda(s0) - param.lambda(sigmas[step - 1])) / h;
            // - ½·a_t·(e^{-h}-1)·D1 with D1 = (m0 - m1)/r0
            double c = -0.5 * at * phi / r0;
            ops.scaleAdd(x, 1f, current, (float) c, x);
            ops.scaleAdd(x, 1f, previous, (float) -c, x);
        }
    }
}
