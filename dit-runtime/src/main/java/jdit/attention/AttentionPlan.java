package jdit.attention;

import java.util.List;

/**
 * What the attention kernel computes for one layer: every pair (dense), or per head the active (query block, key
 * block) tiles. A backend that meets a plan it does not know fails loudly rather than computing something else.
 */
public sealed interface AttentionPlan permits AttentionPlan.Dense, AttentionPlan.BlockSparse {
    /** Every query attends to every key. */
    AttentionPlan DENSE = new Dense();

    /** Fraction of the query-key pairs computed, 1 for dense (PARTIAL blocks count whole: the kernel computes them). */
    double density();

    /** The all-pairs plan. */
    record Dense() implements AttentionPlan {
        @Override
        public double density() {
            return 1;
        }
    }

    /**
     * Tiles of {@code queryBlock} x {@code keyBlock} tokens (the last of each may be ragged), one {@link HeadBlocks} per
     * head, PARTIAL tiles filtered by {@code mask}. Tokens are in the order the kernel is given them. With
     * {@code decisions} (LiteAttention) the kernel visits each row's tiles from the highest down and records which
     * were negligible; without, it visits them in ascending order. {@code headOrders}, when given, holds for every
     * (batch entry, head), at index {@code b·heads + h}, null or the order that head sees the tokens in (Sparse
     * VideoGen's token-major temporal heads): position i of that head is token {@code order[i]} for queries, keys and
     * values, its output row i is written to token {@code order[i]}, and the mask and tiles apply to positions.
     */
    record BlockSparse(int queryBlock, int keyBlock, int queries, int keys, List<HeadBlocks> heads, ElementMask mask,
                       TileDecisions decisions, int[][] headOrders) implements AttentionPlan {
        /** A plan without LiteAttention's verdicts: tiles visited in ascending order. */
        public BlockSparse(int queryBlock, int keyBlock, int queries, int keys, List<HeadBlocks> heads, ElementMask mask) {
            this(queryBlock, keyBlock, queries, keys, heads, mask, null, null);
        }

        /** A plan whose heads all see the tokens in the given order. */
        public BlockSparse(int queryBlock, int keyBlock, int queries, int keys, List<HeadBlocks> heads, ElementMask mask,
                           TileDecisions decisions) {
            this(queryBlock, keyBlock, queries, keys, heads, mask, decisions, null);
        }

        public BlockSparse {
            heads = List.copyOf(heads);
            if (headOrders != null) {
                for (int[] o : headOrders) {
                    if (o != null && (o.length != queries || queries != keys)) {
                        throw new IllegalArgumentException("a head order needs self-attention over " + o.length + " tokens, got "
                                + queries + " x " + keys);
                    }
                }
            }
            int qb = (queries + queryBlock - 1) / queryBlock;
            for (HeadBlocks h : heads) {
                if (h.queryBlocks() != qb) {
                    throw new IllegalArgumentException("a head plan has " + h.queryBlocks() + " query blocks, " + queries
                            + " queries in blocks of " + queryBlock + " need " + qb);
                }
                for (int i = 0; i < h.activeBlocks(); i++) {
                    if (h.col(i) < 0 || (long) h.col(i) * keyBlock >= keys) {
                        throw new IllegalArgumentException("key block " + h.col(i) + " outside " + keys + " keys");
                    }
                }
            }
        }

        /** Every tile of every head: the dense computation as a block plan. */
        public static BlockSparse all(int heads, int queries, int keys, int queryBlock, int keyBlock) {
            HeadBlocks all = HeadBlocks.all((queries + queryBlock - 1) / queryBlock, (keys + keyBlock - 1) / keyBlock);
            return new BlockSparse(queryBlock, keyBlock, queries, keys, java.util.Collections.nCopies(heads, all), ElementMask.ALL);
        }

        @Override
        public double density() {
            double sum = 0;
            for (int h = 0; h < heads.size(); h++) {
                sum += headDensity(h);
            }
            return sum / heads.size();
        }

        /** The fraction of head {@code h}'s pairs in its listed tiles. */
        public double headDensity(int head) {
            HeadBlocks h = heads.get(head);
            double computed = 0;
            for (int r = 0; r < h.queryBlocks(); r++) {
                long rows = Math.min(queryBlock, queries - (long) r * queryBlock);
                for (int i = h.start(r); i < h.end(r); i++) {
                    computed += rows * Math.min(keyBlock, keys - (long) h.col(i) * keyBlock);
                }
            }
            return computed / ((double) queries * keys);
        }
    }
}
