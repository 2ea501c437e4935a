package jdit.attention;

/**
 * Everything a method may base one self-attention layer's plan on: where the generation is (step of steps, the
 * model timestep), which layer of how many, the guidance branch, the token grid of the video tokens, the text
 * segment sharing the sequence (none for Wan2.1, DiT and Latte), the head geometry, and where q, k and v live
 * ({@code device}: null when the caller gave none, and then they are host tensors). Per-generation state lives in
 * the method itself, created per generation and reset by the pipeline.
 */
public record AttentionContext(int step, int steps, double timestep, int layer, int layers, GuidanceBranch branch,
                               TokenGrid grid, int heads, int headDim, TextSegment text, LayerDevice device) {
    /** A context whose q, k and v are host tensors. */
    public AttentionContext(int step, int steps, double timestep, int layer, int layers, GuidanceBranch branch,
                            TokenGrid grid, int heads, int headDim, TextSegment text) {
        this(step, steps, timestep, layer, layers, branch, grid, heads, headDim, text, null);
    }

    /** A context with no text in the sequence. */
    public AttentionContext(int step, int steps, double timestep, int layer, int layers, GuidanceBranch branch,
                            TokenGrid grid, int heads, int headDim) {
        this(step, steps, timestep, layer, layers, branch, grid, heads, headDim, TextSegment.NONE);
    }

    public AttentionContext {
        if (step < 0 || step >= steps || layer < 0 || layer >= layers || heads < 1 || headDim < 1) {
            throw new IllegalArgumentException("invalid attention context: step " + step + "/" + steps + ", layer "
                    + layer + "/" + layers + ", heads " + heads + " x " + headDim);
        }
    }

    /** The same context for a layer running on {@code be} with temporaries from {@code ws}. */
    public AttentionContext on(jdit.backend.Backend be, jdit.tensor.Workspace ws) {
        return new AttentionContext(step, steps, timestep, layer, layers, branch, grid, heads, headDim, text, new LayerDevice(be, ws));
    }

    /** Tokens in the sequence: the video grid's plus the text slots. */
    public int tokens() {
        return grid.tokens() + text.length();
    }

    /** Fraction of the denoising done before this step, in [0, 1). */
    public double progress() {
        return (double) step / steps;
    }
}
