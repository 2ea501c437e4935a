package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * UniPC, order 2, B(h) = expm1 ("bh2"), data prediction, corrector on every step after the first, first order on
 * the final step (diffusers {@code UniPCMultistepScheduler}; Wan's {@code FlowUniPCMultistepScheduler} is the same
 * solver on flow sigmas). Each step first corrects the sample the previous predictor made (UniC, using the fresh
 * model output), then predicts the next one (UniP).
 */
final class UniPcSampler implements Sampler {
    private final double[] timesteps;
    private final double[] sigmas;
    private final Parameterization param;
    /** Data predictions of this step, the previous and the one before, rotated each step. */
    private Tensor mCur;
    private Tensor mPrev;
    private Tensor mPrev2;
    private Tensor lastSample;
    private int lastOrder;

    UniPcSampler(SigmaGrids.Grid grid, Parameterization param) {
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
    public void step(Tensor output, int step, Tensor x, NoiseSource noise, Backend be, Workspace ws) {
        Pointwise ops = be.pointwise();
        if (mCur == null) {
            // the solver's history, kept for the generation in its workspace
            mCur = ws.allocate(DType.F32, x.shape());
            mPrev = ws.allocate(DType.F32, x.shape());
            mPrev2 = ws.allocate(DType.F32, x.shape());
            lastSample = ws.allocate(DType.F32, x.shape());
        } else {
            Tensor t = mPrev2;
            mPrev2 = mPrev;
            mPrev = mCur;
            mCur = t;
        }
        double s = sigmas[step];
        ops.scaleAdd(x, (float) param.sampleCoefficient(s), output, (float) -s, mCur);
        if (step > 0) {
            correct(step, x, ops);
        }
        int order = Math.min(Math.min(2, timesteps.length - step), step + 1);
        ws.copy(x, lastSample);
        predict(step, order, x, ops);
        lastOrder = order;
    }

    /** UniC: x = (s_t/s_s0)·x_last - a_t·φ·m0 - a_t·B·(ρ0·D1 + ρ1·(m_cur - m0)), over the step that made x. */
    private void correct(int step, Tensor x, Pointwise ops) {
        double st = sigmas[step];
        double s0 = sigmas[step - 1];
        double at = param.alpha(st);
        double h = param.lambda(st) - param.lambda(s0);
        double phi = Math.expm1(-h);
        double bh = phi;
        double[] rho;
        double r1 = Double.NaN;
        if (lastOrder == 1) {
            rho = new double[] {0, 0.5};
        } else {
            r1 = (param.lambda(sigmas[step - 2]) - param.lambda(s0)) / h;
            rho = solve2(r1, coefficients(-h, bh));
        }
        double cLast = param.noiseScale(st) / param.noiseScale(s0);
        double cCur = -at * bh * rho[1];
        double cM0 = -at * phi + at * bh * rho[1];
        ops.scaleAdd(lastSample, (float) cLast, mPrev, (float) cM0, x);
        ops.scaleAdd(x, 1f, mCur, (float) cCur, x);
        if (lastOrder == 2) {
            double cM2 = -at * bh * rho[0] / r1; // D1 = (m_{-2} - m0)/r1
            ops.scaleAdd(x, 1f, mPrev, (float) (at * bh * rho[0] / r1), x);
            ops.scaleAdd(x, 1f, mPrev2, (float) cM2, x);
        }
    }

    /** UniP: x' = (s_t/s_s0)·x - a_t·φ·m0 - a_t·B·½·D1 (order 2), D1 = (m_prev - m0)/r. */
    private void predict(int step, int order, Tensor x, Pointwise ops) {
        double st = sigmas[step + 1];
        double s0 = sigmas[step];
        double at = param.alpha(st);
        double h = param.lambda(st) - param.lambda(s0);
        double phi = Math.expm1(-h);
        double cx = param.noiseScale(st) / param.noiseScale(s0);
        ops.scaleAdd(x, (float) cx, mCur, (float) (-at * phi), x);
        if (order == 2) {
            double r = (param.lambda(sigmas[step - 1]) - param.lambda(s0)) / h;
            double c = -at * phi * 0.5 / r; // B(h) = φ for bh2
            ops.scaleAdd(x, 1f, mPrev, (float) c, x);
            ops.scaleAdd(x, 1f, mCur, (float) -c, x);
        }
    }

    /** The right-hand side b_k of UniPC's order conditions for k = 1, 2, with hh = -h. */
    private static double[] coefficients(double hh, double bh) {
        double hPhiK = Math.expm1(hh) / hh - 1;
        double[] b = new double[2];
        double factorial = 1;
        for (int k = 1; k <= 2; k++) {
            b[k - 1] = hPhiK * factorial / bh;
            factorial *= k + 1;
            hPhiK = hPhiK / hh - 1 / factorial;
        }
        return b;
    }

    /** Solves [[1, 1], [r1, 1]]·ρ = b (the rows are the powers 0 and 1 of (r1, 1)). */
    private static double[] solve2(double r1, double[] b) {
        double det = 1 * 1 - 1 * r1;
        return new double[] {(b[0] - b[1]) / det, (b[1] - r1 * b[0]) / det};
    }
}
