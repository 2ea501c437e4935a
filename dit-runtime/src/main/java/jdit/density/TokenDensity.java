package jdit.density;

import java.util.Optional;

/**
 * A token-density method: per forward, which blocks run on pooled tokens (none by default), and for SparseDiT models
 * the side of the sparse token grid. Methods hold no per-generation state, so one instance serves any generation.
 */
public interface TokenDensity {
    /** Every block on every token. */
    TokenDensity DENSE = new TokenDensity() {
        @Override
        public Optional<PoolSpan> span(DensityContext ctx) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "dense";
        }
    };

    /** The pooled span of this forward, if any. */
    Optional<PoolSpan> span(DensityContext ctx);

    /** SparseDiT: the side of the square sparse-token grid at this step, given the one the model was trained with. */
    default int semanticSize(DensityContext ctx, int trained) {
        return trained;
    }

    /** The method with its parameters, in the spelling that selects it. */
    String describe();
}
