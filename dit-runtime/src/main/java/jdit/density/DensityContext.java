package jdit.density;

import jdit.attention.TokenGrid;

/** Where a forward is, for a token-density method: step of steps, the model's block count, its token grid. */
public record DensityContext(int step, int steps, int layers, TokenGrid grid) {
    public DensityContext {
        if (step < 0 || step >= steps || layers < 1) {
            throw new IllegalArgumentException("invalid density context: step " + step + "/" + steps + ", " + layers + " layers");
        }
    }

    /** Fraction of the denoising done before this step, in [0, 1). */
    public double progress() {
        return (double) step / steps;
    }
}
