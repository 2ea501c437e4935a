package jdit.sparse.lite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionMethodProvider;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.attention.TileDecisions;
import jdit.tensor.Tensor;

/**
 * LiteAttention (moonmath-ai/LiteAttention v0.2.0): per self-attention layer a skip list per (head, query tile); each
 * call computes the listed key tiles from the highest down while the kernel tests every tile but the first against
 * the running maximum, and the verdicts rewrite the lists for the layer's next call (the next step, or the other
 * guidance pass: the lists are per layer, shared by both passes, as the reference's per-layer instance is). No
 * warm-up; reset per generation. With several batch entries a tile is dropped only if it was negligible for all.
 */
public final class LiteMethod implements AttentionMethod {
    private final LiteParams params;
    private final Map<Integer, SkipLists> lists = new HashMap<>();
    private final Map<Integer, TileDecisions> pending = new HashMap<>();

    public LiteMethod(LiteParams params) {
        this.params = params;
    }

    @Override
    public String description() {
        return "lite:" + params;
    }

    @Override
    public void reset() {
        lists.clear();
        pending.clear();
    }

    @Override
    public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
        int s = (int) q.dim(1);
        int tile = params.tile();
        int tiles = (s + tile - 1) / tile;
        int layer = ctx.layer();
        SkipLists state = lists.get(layer);
        if (state == null || !state.fits(ctx.heads(), tiles, tiles)) { // a new shape starts a new state, as the reference
            state = new SkipLists(ctx.heads(), tiles, tiles);
            lists.put(layer, state);
        } else if (pending.containsKey(layer)) {
            state.update(pending.get(layer), params);
        }
        List<HeadBlocks> heads = new ArrayList<>();
        for (int h = 0; h < ctx.heads(); h++) {
            byte[][] kind = new byte[tiles][];
            for (int r = 0; r < tiles; r++) {
                boolean[] keep = state.listed(h, r);
                kind[r] = new byte[tiles];
                for (int c = 0; c < tiles; c++) {
                    kind[r][c] = (byte) (keep[c] ? 1 : 0);
                }
            }
            heads.add(HeadBlocks.fromMap(kind));
        }
        TileDecisions decisions = new TileDecisions((int) q.dim(0), ctx.heads(), tiles, tiles, params.threshold(ctx.step()));
        pending.put(layer, decisions);
        return new AttentionPlan.BlockSparse(tile, tile, s, s, heads, ElementMask.ALL, decisions);
    }

    /** The current list of (layer, head, query tile) as the kernel's state row [length, start0, end0, ...]. */
    public int[] listOf(int layer, int head, int queryTile) {
        return lists.get(layer).row(head, queryTile);
    }

    /** {@code lite[:thr=-6][,tile=64][,exact][,mustdo=HI-LO]}. */
    public static final class Provider implements AttentionMethodProvider {
        @Override
        public String name() {
            return "lite";
        }

        @Override
        public String summary() {
            return "LiteAttention skip lists: lite[:thr=-6 or thr=-8:-8:-4 per step][,tile=64][,exact][,mustdo=HI-LO]";
        }

        @Override
        public AttentionMethod create(String parameters) {
            return new LiteMethod(LiteParams.parse(parameters));
        }
    }
}
