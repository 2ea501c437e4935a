package jdit.attention;

/**
 * Everything a method may base one self-attention layer's plan on: where the generation is (step of steps, the
 * model timestep), which layer of how many, the guidance branch, the token grid and the head geometry.
 */
public record AttentionContext(int step, int steps, double timestep, int layer, int layers, GuidanceBranch branch,
                               TokenGrid grid, int heads, int headDim) {
    public AttentionContext {
        if (step < 0 || step >= steps || layer < 0 || layer >= layers || heads < 1 || headDim < 1) {
            throw new IllegalArgumentException("invalid attention context: step " + step + "/" + steps + ", layer "
                    + layer + "/" + layers + ", heads " + heads + " x " + headDim);
        }
    }

    /** Fraction of the denoising done before this step, in [0, 1). */
    public double progress() {
        return (double) step / steps;
    }
}
