package jdit.attention;

/**
 * What a model forward needs to ask the attention method for its plans: the method and where in the generation
 * the forward is. The model adds the layer and the geometry to make each layer's {@link AttentionContext}, and tells
 * the probe which block it is in. It also carries the token-density method, asked once per forward for the blocks
 * that run on pooled tokens.
 */
public record AttentionStep(AttentionMethod method, int step, int steps, double timestep, GuidanceBranch branch,
                            LayerProbe probe, jdit.density.TokenDensity density) {
    public AttentionStep(AttentionMethod method, int step, int steps, double timestep, GuidanceBranch branch) {
        this(method, step, steps, timestep, branch, LayerProbe.NONE);
    }

    public AttentionStep(AttentionMethod method, int step, int steps, double timestep, GuidanceBranch branch, LayerProbe probe) {
        this(method, step, steps, timestep, branch, probe, jdit.density.TokenDensity.DENSE);
    }

    /** The same step with blocks pooled as {@code d} says. */
    public AttentionStep withDensity(jdit.density.TokenDensity d) {
        return new AttentionStep(method, step, steps, timestep, branch, probe, d);
    }

    /** The token-density span of a forward of {@code layers} blocks on {@code grid}, if this step pools any. */
    public java.util.Optional<jdit.density.PoolSpan> span(int layers, TokenGrid grid) {
        return density.span(new jdit.density.DensityContext(step, steps, layers, grid)).filter(s -> !s.identity())
                .map(s -> {
                    if (s.end() > layers) {
                        throw new IllegalArgumentException("the density span ends at block " + s.end() + ", the model has "
                                + layers);
                    }
                    return s;
                });
    }

    /** One dense forward outside any generation (tests, single evaluations). */
    public static AttentionStep dense(double timestep) {
        return new AttentionStep(new DenseAttention(), 0, 1, timestep, GuidanceBranch.UNGUIDED);
    }

    public AttentionContext at(int layer, int layers, TokenGrid grid, int heads, int headDim) {
        return new AttentionContext(step, steps, timestep, layer, layers, branch, grid, heads, headDim);
    }
}
