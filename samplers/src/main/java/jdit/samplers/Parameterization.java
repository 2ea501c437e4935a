package jdit.samplers;

/**
 * How a noise level σ maps to the signal and noise scales of the data-prediction solvers, and how the model output
 * becomes the data prediction {@code m = cx·x + ce·output}.
 */
enum Parameterization {
    /** Variance preserving with an epsilon model: {@code a = 1/sqrt(σ²+1)}, {@code s = σ·a}, {@code m = x/a - σ·eps}. */
    EPSILON,
    /** Flow matching with a velocity model: {@code a = 1 - σ}, {@code s = σ}, {@code m = x - σ·v}. */
    FLOW;

    double alpha(double sigma) {
        return this == EPSILON ? 1 / Math.sqrt(sigma * sigma + 1) : 1 - sigma;
    }

    double noiseScale(double sigma) {
        return this == EPSILON ? sigma * alpha(sigma) : sigma;
    }

    /** Log signal-to-noise ratio; +infinity at σ = 0, which the solvers' expm1 handles (it gives -1). */
    double lambda(double sigma) {
        return Math.log(alpha(sigma)) - Math.log(noiseScale(sigma));
    }

    double sampleCoefficient(double sigma) {
        return this == EPSILON ? 1 / alpha(sigma) : 1;
    }
}
