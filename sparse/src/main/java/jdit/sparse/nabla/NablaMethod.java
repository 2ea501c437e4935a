package jdit.sparse.nabla;

import java.util.List;
import java.util.Optional;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionMethodProvider;
import jdit.attention.AttentionPlan;
import jdit.attention.TokenGrid;
import jdit.sparse.layout.BlockMasks;
import jdit.sparse.layout.TileOrder;
import jdit.tensor.Tensor;

/**
 * NABLA (gen-ai-team/Wan2.1-NABLA): tokens in 8x8-tile order for the whole forward; in every self-attention of
 * every step, each head keeps the 64-token blocks its pooled map selects (see {@link PooledMassMap}), united with
 * an optional sliding-tile window; pure block granularity (FULL tiles only), no dense warm-up, as the reference.
 */
public final class NablaMethod implements AttentionMethod {
    private final NablaParams params;

    public NablaMethod(NablaParams params) {
        this.params = params;
    }

    @Override
    public String description() {
        return "nabla:" + params;
    }

    @Override
    public Optional<int[]> tokenOrder(TokenGrid grid) {
        return Optional.of(TileOrder.of(grid));
    }

    @Override
    public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
        TokenGrid tiles = TileOrder.tiles(ctx.grid());
        List<boolean[][]> keep = PooledMassMap.keep(q, k, TileOrder.BLOCK, params.threshold(), ctx.device());
        params.sta().ifPresent(w -> {
            boolean[][] window = w.mask(tiles);
            for (boolean[][] head : keep) {
                for (int i = 0; i < head.length; i++) {
                    for (int j = 0; j < head.length; j++) {
                        head[i][j] |= window[i][j];
                    }
                }
            }
        });
        return BlockMasks.plan(keep, TileOrder.BLOCK, ctx.grid().tokens());
    }

    /** {@code nabla[:thr=0.7,sta=11x3x3]}. */
    public static final class Provider implements AttentionMethodProvider {
        @Override
        public String name() {
            return "nabla";
        }

        @Override
        public String summary() {
            return "NABLA: 8x8-tile order, blocks by pooled-map mass; nabla[:thr=0.7][,sta=FxHxW] (window in latent frames x tiles)";
        }

        @Override
        public AttentionMethod create(String parameters) {
            return new NablaMethod(NablaParams.parse(parameters));
        }
    }
}
