package jdit.sampling;

/**
 * What a sampler is built from: the training noise schedule ({@code schedule} from {@code betaStart} to
 * {@code betaEnd} over {@code trainSteps}), the number of inference steps, the flow shift, DDIM's eta and whether
 * the model predicts DiT's learned-range variance, and the sigma spacing of the k-diffusion style samplers.
 */
public record SamplerConfig(int trainSteps, BetaSchedule schedule, double betaStart, double betaEnd, int steps,
                            double shift, double eta, boolean learnedVariance, SigmaSpacing sigmaSpacing) {
    public SamplerConfig {
        if (trainSteps < 2 || steps < 1 || steps > trainSteps) {
            throw new IllegalArgumentException("steps " + steps + " must be in [1, " + trainSteps + "]");
        }
    }

    /** The usual DDPM-trained schedule: 1000 steps, linear betas 1e-4 to 0.02. */
    public static SamplerConfig linear(int steps) {
        return new SamplerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02, steps, 1.0, 0.0, false, SigmaSpacing.DEFAULT);
    }

    public SamplerConfig withSteps(int n) {
        return new SamplerConfig(trainSteps, schedule, betaStart, betaEnd, n, shift, eta, learnedVariance, sigmaSpacing);
    }

    public SamplerConfig withLearnedVariance(boolean v) {
        return new SamplerConfig(trainSteps, schedule, betaStart, betaEnd, steps, shift, eta, v, sigmaSpacing);
    }

    public SamplerConfig withShift(double s) {
        return new SamplerConfig(trainSteps, schedule, betaStart, betaEnd, steps, s, eta, learnedVariance, sigmaSpacing);
    }

    public SamplerConfig withSigmaSpacing(SigmaSpacing spacing) {
        return new SamplerConfig(trainSteps, schedule, betaStart, betaEnd, steps, shift, eta, learnedVariance, spacing);
    }

    public SamplerConfig withEta(double e) {
        return new SamplerConfig(trainSteps, schedule, betaStart, betaEnd, steps, shift, e, learnedVariance, sigmaSpacing);
    }
}
