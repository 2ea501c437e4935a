package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Pointwise;
import jdit.backend.UnaryOp;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * DDPM as DiT's own code runs it (OpenAI's improved-diffusion {@code p_sample} over a respaced process): the
 * model sees the original step index ({@link Respacing#timestepMap()}), the posterior is built from the respaced
 * betas, and the variance is fixed_small, fixed_large, or DiT's learned range, where the model's second half of
 * channels v interpolates the log variance between the clipped posterior log variance and log beta:
 * {@code logvar = (v+1)/2·log β + (1 - (v+1)/2)·log σ²_post}. Noise is drawn every step and unused at t = 0.
 */
final class IddpmSampler implements Sampler {
    /** DiT's variance types. */
    enum Variance { FIXED_SMALL, FIXED_LARGE, LEARNED_RANGE }

    private final double[] betas;
    private final double[] abar;
    private final double[] abarPrev;
    private final double[] timesteps;
    private final Variance variance;

    IddpmSampler(Respacing respacing, Variance variance) {
        this.betas = respacing.betas();
        this.variance = variance;
        this.abar = respacing.alphasCumprod();
        this.abarPrev = new double[abar.length];
        for (int i = 0; i < abar.length; i++) {
            abarPrev[i] = i == 0 ? 1 : abar[i - 1];
        }
        this.timesteps = respacing.samplingTimesteps();
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    private double posteriorVariance(int t) {
        return betas[t] * (1 - abarPrev[t]) / (1 - abar[t]);
    }

    /** improved-diffusion clips the log variance at t = 0 to that of t = 1 (the posterior variance there is 0). */
    private double posteriorLogVarianceClipped(int t) {
        return Math.log(posteriorVariance(t == 0 && betas.length > 1 ? 1 : t));
    }

    /**
     * {@code output} is the model's eps [B, C, ...], or eps and v stacked on the channel axis [B, 2C, ...] for the
     * learned range; {@code x} is [B, C, ...].
     */
    @Override
    public double[] cleanEstimate(int step) {
        double a = abar[betas.length - 1 - step];
        return new double[] {Math.sqrt(1 / a), -Math.sqrt(1 / a - 1)};
    }

    @Override
    public void step(Tensor output, int step, Tensor x, NoiseSource noise, Backend be, Workspace ws) {
        java.util.List<Tensor> temps = new java.util.ArrayList<>(); // from ws, released when the step is done
        try {
            advance(output, step, x, noise, be.pointwise(), ws, temps);
        } finally {
            temps.forEach(ws::release);
        }
    }

    private void advance(Tensor output, int step, Tensor x, NoiseSource noise, Pointwise ops, Workspace ws, java.util.List<Tensor> temps) {
        int t = betas.length - 1 - step;
        long c = x.dim(1);
        Tensor eps = dense(output.dim(1) == c ? output : output.narrow(1, 0, c), ws, temps);
        double a = abar[t];
        double coef1 = betas[t] * Math.sqrt(abarPrev[t]) / (1 - a);
        double coef2 = (1 - abarPrev[t]) * Math.sqrt(1 - betas[t]) / (1 - a);
        // mean = coef1·x0 + coef2·x with x0 = sqrt(1/a)·x - sqrt(1/a - 1)·eps
        double cx = coef1 * Math.sqrt(1 / a) + coef2;
        double ce = -coef1 * Math.sqrt(1 / a - 1);
        Tensor z = ws.allocate(DType.F32, x.shape());
        temps.add(z);
        noise.next(z);
        ops.scaleAdd(x, (float) cx, eps, (float) ce, x);
        if (t == 0) {
            return;
        }
        switch (variance) {
            case FIXED_SMALL -> ops.scaleAdd(x, 1f, z, (float) Math.exp(0.5 * posteriorLogVarianceClipped(t)), x);
            // improved-diffusion's fixed_large is append(posterior_variance[1], betas[1:]): beta_t for t >= 1
            case FIXED_LARGE -> ops.scaleAdd(x, 1f, z, (float) Math.sqrt(betas[t]), x);
            case LEARNED_RANGE -> {
                if (output.dim(1) != 2 * c) {
                    throw new IllegalArgumentException("learned-range variance needs the model's 2C = " + 2 * c
                            + " channels, got " + output.shape());
                }
                Tensor v = dense(output.narrow(1, c, c), ws, temps);
                double minLog = posteriorLogVarianceClipped(t);
                double maxLog = Math.log(betas[t]);
                // std = exp(½·logvar) = exp(A + B·v): A = ½·(max + min)/2, B = ¼·(max - min)
                double aCoef = 0.25 * (maxLog + minLog);
                double bCoef = 0.25 * (maxLog - minLog);
                Tensor std = ws.allocate(DType.F32, x.shape());
                temps.add(std);
                ops.scaleAdd(v, (float) bCoef, v, 0f, std);
                ops.unary(UnaryOp.EXP, std, std);
                ops.binary(BinaryOp.MUL, std, z, std);
                ops.scaleAdd(x, 1f, std, (float) Math.exp(aCoef), x);
            }
        }
    }

    private static Tensor dense(Tensor t, Workspace ws, java.util.List<Tensor> temps) {
        if (t.isContiguous()) {
            return t;
        }
        Tensor c = ws.copy(t);
        temps.add(c);
        return c;
    }
}
