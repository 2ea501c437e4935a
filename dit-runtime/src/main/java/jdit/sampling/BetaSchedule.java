package jdit.sampling;

/** The training beta schedules of the published models (diffusers' names). */
public enum BetaSchedule {
    /** {@code linspace(start, end, T)}: DiT, Latte, the fixtures. */
    LINEAR,
    /** {@code linspace(sqrt(start), sqrt(end), T)²}: Stable Diffusion's VAE-latent models. */
    SCALED_LINEAR,
    /** Nichol and Dhariwal's cosine schedule, betas capped at 0.999. */
    SQUAREDCOS_CAP_V2;

    /** The {@code steps} betas of this schedule. */
    public double[] betas(int steps, double start, double end) {
        double[] b = new double[steps];
        for (int i = 0; i < steps; i++) {
            b[i] = switch (this) {
                case LINEAR -> start + (end - start) * i / (steps - 1);
                case SCALED_LINEAR -> {
                    double r = Math.sqrt(start) + (Math.sqrt(end) - Math.sqrt(start)) * i / (steps - 1);
                    yield r * r;
                }
                case SQUAREDCOS_CAP_V2 -> Math.min(1 - cosineAlphaBar((i + 1.0) / steps) / cosineAlphaBar((double) i / steps), 0.999);
            };
        }
        return b;
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }
}
