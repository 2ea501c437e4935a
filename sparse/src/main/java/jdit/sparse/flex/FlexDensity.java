package jdit.sparse.flex;

import java.util.Optional;
import jdit.density.DensityContext;
import jdit.density.PoolSpan;
import jdit.density.TokenDensity;
import jdit.density.TokenDensityProvider;

/**
 * {@code flex}: the training-free token-density schedule ({@link FlexParams}). At a step whose stage pools by F,
 * blocks A..B run on the F x F (x T) pooled grid and their change is merged back into the dense stream; a layer range
 * past the model's depth is refused.
 */
public final class FlexDensity implements TokenDensity {
    private final FlexParams params;

    public FlexDensity(FlexParams params) {
        this.params = params;
    }

    public FlexParams params() {
        return params;
    }

    @Override
    public Optional<PoolSpan> span(DensityContext ctx) {
        int f = FlexParams.at(params.schedule(), ctx.progress(), 1);
        if (f == 1) {
            return Optional.empty();
        }
        int first = params.firstLayer() == FlexParams.MIDDLE ? ctx.layers() / 4 : params.firstLayer();
        int last = params.firstLayer() == FlexParams.MIDDLE ? 3 * ctx.layers() / 4 - 1 : params.lastLayer();
        if (last >= ctx.layers()) {
            throw new IllegalArgumentException("flex layers " + first + "-" + last + " exceed the model's " + ctx.layers()
                    + " blocks (0-" + (ctx.layers() - 1) + ")");
        }
        int ft = ctx.grid().frames() > 1 ? params.time() : 1;
        return Optional.of(new PoolSpan(first, last + 1, ft, f, f));
    }

    @Override
    public int semanticSize(DensityContext ctx, int trained) {
        return FlexParams.at(params.semantic(), ctx.progress(), trained);
    }

    @Override
    public String describe() {
        return "flex:" + params;
    }

    /** The {@code flex} name. */
    public static final class Provider implements TokenDensityProvider {
        @Override
        public String name() {
            return "flex";
        }

        @Override
        public String summary() {
            return "flex[:layers=A-B,schedule=F@P/...,time=T,semantic=S@P/.../S]: blocks A-B (default the middle half) run "
                    + "on F x F pooled tokens while the steps' progress is below P (default 2@0.5), dense after";
        }

        @Override
        public TokenDensity create(String parameters) {
            return new FlexDensity(FlexParams.parse(parameters));
        }
    }
}
