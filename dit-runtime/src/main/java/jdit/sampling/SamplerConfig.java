package jdit.sampling;

/**
 * What a sampler is built from: the training noise schedule (linear betas, as DiT and the fixtures use; the other
 * schedules arrive with the rest of the samplers), the number of inference steps, the flow shift, DDIM's eta and
 * the DDPM variance type.
 */
public record SamplerConfig(int trainSteps, double betaStart, double betaEnd, int steps, double shift, double eta,
                            boolean learnedVariance) {
    public SamplerConfig {
        if (trainSteps < 2 || steps < 1 || steps > trainSteps) {
            throw new IllegalArgumentException("steps " + steps + " must be in [1, " + trainSteps + "]");
        }
    }

    /** The usual DDPM-trained schedule: 1000 steps, linear betas 1e-4 to 0.02. */
    public static SamplerConfig linear(int steps) {
        return new SamplerConfig(1000, 1e-4, 0.02, steps, 1.0, 0.0, false);
    }

    public SamplerConfig withShift(double s) {
        return new SamplerConfig(trainSteps, betaStart, betaEnd, steps, s, eta, learnedVariance);
    }

    public SamplerConfig withEta(double e) {
        return new SamplerConfig(trainSteps, betaStart, betaEnd, steps, shift, e, learnedVariance);
    }
}
