package jdit.attention;

/**
 * What a model forward needs to ask the attention method for its plans: the method and where in the generation
 * the forward is. The model adds the layer and the geometry to make each layer's {@link AttentionContext}, and tells
 * the probe which block it is in.
 */
public record AttentionStep(AttentionMethod method, int step, int steps, double timestep, GuidanceBranch branch,
                            LayerProbe probe) {
    public AttentionStep(AttentionMethod method, int step, int steps, double timestep, GuidanceBranch branch) {
        this(method, step, steps, timestep, branch, LayerProbe.NONE);
    }

    /** One dense forward outside any generation (tests, single evaluations). */
    public static AttentionStep dense(double timestep) {
        return new AttentionStep(new DenseAttention(), 0, 1, timestep, GuidanceBranch.UNGUIDED);
    }

    public AttentionContext at(int layer, int layers, TokenGrid grid, int heads, int headDim) {
        return new AttentionContext(step, steps, timestep, layer, layers, branch, grid, heads, headDim);
    }
}
