package jdit.profile;

import jdit.attention.TokenGrid;
import jdit.density.PoolSpan;
import jdit.model.dit.DitConfig;
import jdit.model.dit.SparseDitConfig;

/**
 * Multiply-accumulates of the transformer blocks of one image's forward, counted as sparse-methods.md check 20 counts
 * them: a DiT block's linear layers {@code 12·N·d²} (qkv 3, proj 1, MLP 8) and its attention {@code 2·N²·d}; adaLN,
 * embeddings and the final layer left out (under 0.5% at DiT-XL/2's sizes). SparseDiT blocks: Poolingformer
 * {@code 10·N·d²} (v, proj and the MLP; uniform attention is O(N)), token merge {@code (10·S + 2·N)·d² + 2·S·N·d},
 * recovery {@code (12·N + 2·S)·d² + 2·N·S·d} (the two merge layers, q, proj and the MLP on N rows, kv on S), with N
 * dense and S sparse tokens. What the profiler measures is counted from each op's real shapes instead; this is the
 * figure it is checked against.
 */
public final class AnalyticMacs {
    private AnalyticMacs() {
    }

    /** A DiT block on n tokens of width d. */
    public static double ditBlock(double n, double d) {
        return 12 * n * d * d + 2 * n * n * d;
    }

    /** Every block of a DiT forward of one image. */
    public static double dit(DitConfig c) {
        return c.depth() * ditBlock(c.tokens(), c.hiddenSize());
    }

    /** The same with blocks [first, end) of {@code span} on the pooled grid. */
    public static double dit(DitConfig c, PoolSpan span) {
        int g = c.inputSize() / c.patchSize();
        double pooled = span.pooled(TokenGrid.image(g, g)).tokens();
        int inside = span.end() - span.first();
        return (c.depth() - inside) * ditBlock(c.tokens(), c.hiddenSize()) + inside * ditBlock(pooled, c.hiddenSize());
    }

    /** Every block of a SparseDiT forward of one image with an S x S sparse grid of side {@code semanticSize}. */
    public static double sparseDit(SparseDitConfig c, int semanticSize) {
        double n = c.base().tokens();
        double s = (double) semanticSize * semanticSize;
        double d = c.base().hiddenSize();
        double pooling = 10 * n * d * d;
        double merge = (10 * s + 2 * n) * d * d + 2 * s * n * d;
        double recover = (12 * n + 2 * s) * d * d + 2 * n * s * d;
        double module = c.merge() * merge + c.semantic() * ditBlock(s, d) + c.recover() * recover + c.dense() * ditBlock(n, d);
        return c.poolingformer() * pooling + c.dumbbells() * module + c.normal() * ditBlock(n, d);
    }
}
