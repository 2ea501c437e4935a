package jdit.sparse.sta;

import java.util.Collections;
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
 * Sliding tile attention alone, as NABLA's code runs {@code sta-F-H-W}: tokens in 8x8-tile order, dense attention
 * for the first {@code warmup} steps (12 in the reference), then every head keeps the 64-token tiles inside the
 * window around its own tile.
 */
public final class StaMethod implements AttentionMethod {
    /** Dense steps of the reference before the window applies. */
    public static final int DEFAULT_WARMUP = 12;
    private final StaWindow window;
    private final int warmup;

    public StaMethod(StaWindow window, int warmup) {
        if (warmup < 0) {
            throw new IllegalArgumentException("sta warmup must be >= 0, got " + warmup);
        }
        this.window = window;
        this.warmup = warmup;
    }

    @Override
    public String description() {
        return "sta:" + window + ",warmup=" + warmup;
    }

    @Override
    public Optional<int[]> tokenOrder(TokenGrid grid) {
        return Optional.of(TileOrder.of(grid));
    }

    @Override
    public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
        if (ctx.step() < warmup) {
            return AttentionPlan.DENSE;
        }
        boolean[][] keep = window.mask(TileOrder.tiles(ctx.grid()));
        return BlockMasks.plan(Collections.nCopies(ctx.heads(), keep), TileOrder.BLOCK, ctx.grid().tokens());
    }

    /** {@code sta:FxHxW[,warmup=12]}. */
    public static final class Provider implements AttentionMethodProvider {
        @Override
        public String name() {
            return "sta";
        }

        @Override
        public String summary() {
            return "sliding tile attention: sta:FxHxW[,warmup=12] (latent frames x 8x8 tiles; dense for the warm-up steps)";
        }

        @Override
        public AttentionMethod create(String parameters) {
            String[] parts = parameters.split(",");
            if (parameters.isBlank()) {
                throw new IllegalArgumentException("sta needs a window, e.g. sta:11x3x3");
            }
            int warmup = DEFAULT_WARMUP;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length != 2 || !kv[0].trim().equals("warmup")) {
                    throw new IllegalArgumentException("unknown sta parameter '" + parts[i] + "' (known: warmup=N)");
                }
                try {
                    warmup = Integer.parseInt(kv[1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("sta warmup must be a whole number of steps, got '" + kv[1] + "'", e);
                }
            }
            return new StaMethod(StaWindow.parse(parts[0]), warmup);
        }
    }
}
