package jdit.samplers;

import jdit.sampling.SamplerConfig;

/**
 * The DDPM training schedule: the configured betas and {@code abar[t] = prod(1 - beta)} (diffusers builds the betas with
 * {@code torch.linspace} in float32 and multiplies in float32; doubles here agree to about 1e-7 relative).
 */
record AlphaSchedule(double[] alphasCumprod) {
    static AlphaSchedule of(SamplerConfig c) {
        double[] betas = c.schedule().betas(c.trainSteps(), c.betaStart(), c.betaEnd());
        double[] abar = new double[betas.length];
        double acc = 1;
        for (int i = 0; i < betas.length; i++) {
            acc *= 1 - betas[i];
            abar[i] = acc;
        }
        return new AlphaSchedule(abar);
    }

    double abar(int t) {
        return alphasCumprod[t];
    }

    /** {@code sqrt((1 - abar) / abar)} at every training step: the k-diffusion sigmas. */
    double[] sigmas() {
        double[] s = new double[alphasCumprod.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]);
        }
        return s;
    }

    /** diffusers' "leading" spacing: {@code arange(steps) * (train / steps)}, reversed. */
    static double[] leading(int train, int steps) {
        int ratio = train / steps;
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            t[i] = (double) (steps - 1 - i) * ratio;
        }
        return t;
    }

    /** {@code linspace(a, b, n)} as numpy computes it. */
    static double[] linspace(double a, double b, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        }
        return out;
    }

    /** Linear interpolation of {@code values} (given at 0, 1, ...) at fractional {@code x}, as {@code np.interp}. */
    static double interp(double[] values, double x) {
        if (x <= 0) {
            return values[0];
        }
        if (x >= values.length - 1) {
            return values[values.length - 1];
        }
        int i = (int) Math.floor(x);
        double f = x - i;
        return values[i] * (1 - f) + values[i + 1] * f;
    }

    /** Karras sigmas (rho 7) from {@code sigmaMax} down to {@code sigmaMin}, {@code n} of them. */
    static double[] karras(double sigmaMin, double sigmaMax, int n) {
        double rho = 7;
        double lo = Math.pow(sigmaMin, 1 / rho);
        double hi = Math.pow(sigmaMax, 1 / rho);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double ramp = n == 1 ? 0 : (double) i / (n - 1);
            out[i] = Math.pow(hi + ramp * (lo - hi), rho);
        }
        return out;
    }

    /** The fractional training step whose sigma is {@code sigma}, interpolating log sigma (diffusers' _sigma_to_t). */
    static double sigmaToT(double sigma, double[] sigmas) {
        double ls = Math.log(Math.max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < sigmas.length; i++) {
            if (ls - Math.log(sigmas[i]) >= 0) {
                low = i;
            }
        }
        low = Math.min(low, sigmas.length - 2);
        double l = Math.log(sigmas[low]);
        double h = Math.log(sigmas[low + 1]);
        double w = Math.max(0, Math.min(1, (l - ls) / (l - h)));
        return (1 - w) * low + w * (low + 1);
    }
}
