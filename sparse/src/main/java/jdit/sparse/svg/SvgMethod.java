package jdit.sparse.svg;

import java.util.Collections;
import java.util.SplittableRandom;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionMethodProvider;
import jdit.attention.AttentionPlan;
import jdit.attention.HeadBlocks;
import jdit.tensor.Tensor;

/**
 * Sparse VideoGen (SVG1, svg-project/Sparse-VideoGen) with the masks of the sequence's layout ({@link SvgMasks}
 * for Wan2.1, {@link SvgTextMasks} for text before or after the video):
 * dense for the first {@code floor(steps · count)} steps and {@code floor(layers · count)} layers; otherwise every
 * call profiles each (batch entry, head) on sampled query rows against the spatial and temporal masks
 * ({@link HeadClassifier}), moves temporal heads to token-major order, and runs every head under the same band
 * (plus first-frame sink) mask in its own order, in 128-token tiles. The dense gate counts steps where the Wan
 * reference compares timestep values; the rows are drawn with this method's own seeded generator (the reference
 * uses torch's).
 */
public final class SvgMethod implements AttentionMethod {
    private static final int BLOCK = 128;

    /** Which query rows to profile: {@code count} draws from [0, maxRow), repeats allowed (torch.randint). */
    @FunctionalInterface
    public interface RowSampler {
        int[] rows(int maxRow, int count, AttentionContext ctx);
    }

    private final SvgParams params;
    private final RowSampler sampler;
    private int[][] lastClasses;
    private double[][][] lastMses;
    private SvgLayout bandLayout;
    private HeadBlocks band;

    public SvgMethod(SvgParams params) {
        this(params, (maxRow, count, ctx) -> {
            SplittableRandom r = new SplittableRandom(params.seed() * 1_000_003L + ctx.step() * 131L + ctx.layer());
            int[] rows = new int[count];
            for (int i = 0; i < count; i++) {
                rows[i] = r.nextInt(maxRow);
            }
            return rows;
        });
    }

    public SvgMethod(SvgParams params, RowSampler sampler) {
        this.params = params;
        this.sampler = sampler;
    }

    @Override
    public String description() {
        return "svg:" + params;
    }

    /** Whether ({@code ctx}) runs dense: a warm-up step or one of the first layers. */
    public boolean dense(AttentionContext ctx) {
        return ctx.step() < (int) Math.floor(params.denseSteps() * ctx.steps())
                || ctx.layer() < (int) Math.floor(params.denseLayers() * ctx.layers());
    }

    @Override
    public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
        if (dense(ctx)) {
            lastClasses = null;
            return AttentionPlan.DENSE;
        }
        int frames = ctx.grid().frames();
        int perFrame = ctx.grid().height() * ctx.grid().width();
        int s = (int) q.dim(1);
        if (s != ctx.tokens()) {
            throw new IllegalArgumentException("svg expected " + frames + " frames of " + perFrame + " tokens and "
                    + ctx.text().length() + " text slots, got " + s + " tokens");
        }
        SvgLayout masks = layout(ctx, params);
        int batch = (int) q.dim(0);
        int heads = (int) q.dim(2);
        int[] rows = sampler.rows(Math.min(s, params.maxRow()), params.sampledRows(), ctx);
        double scale = 1 / Math.sqrt(q.dim(3));
        int[][] orders = new int[batch * heads][];
        int[] tokenMajor = masks.tokenMajorOrder();
        lastClasses = new int[batch][heads];
        lastMses = new double[batch][heads][];
        double[][] mses = HeadClassifier.mses(q, k, v, rows, masks, scale, ctx.device());
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                double[] mse = mses[b * heads + h];
                lastMses[b][h] = mse;
                lastClasses[b][h] = mse[1] < mse[0] ? 1 : 0;
                orders[b * heads + h] = lastClasses[b][h] == 1 ? tokenMajor : null;
            }
        }
        if (!masks.equals(bandLayout)) { // the band depends on the layout only: once per generation, not per call
            band = bandBlocks(masks, s);
            bandLayout = masks;
        }
        return new AttentionPlan.BlockSparse(BLOCK, BLOCK, s, s, Collections.nCopies(heads, band), masks.band(), null, orders);
    }

    /** Wan's masks without text in the sequence; CogVideoX's (text first) or HunyuanVideo's (text last) with it. */
    static SvgLayout layout(AttentionContext ctx, SvgParams p) {
        int frames = ctx.grid().frames();
        int perFrame = ctx.grid().height() * ctx.grid().width();
        double mul = SvgLayout.multiplierFrames(p.sparsity(), ctx.text().length(), frames, perFrame);
        return ctx.text().position() == jdit.attention.TextSegment.Position.NONE ? new SvgMasks(frames, perFrame, mul)
                : new SvgTextMasks(ctx.text(), frames, perFrame, mul);
    }

    /**
     * The band's 128 x 128 tiles: FULL when every pair is kept, PARTIAL when some are (a ragged last tile with any
     * kept pair counts as PARTIAL, as the reference's padded block classes), skipped when none.
     */
    public static HeadBlocks bandBlocks(SvgLayout masks, int s) {
        int n = (s + BLOCK - 1) / BLOCK;
        byte[][] kind = new byte[n][n];
        var band = masks.band();
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                int kept = 0;
                int total = 0;
                for (int i = r * BLOCK; i < Math.min(s, (r + 1) * BLOCK); i++) {
                    for (int j = c * BLOCK; j < Math.min(s, (c + 1) * BLOCK); j++) {
                        total++;
                        kept += band.allowed(i, j) ? 1 : 0;
                    }
                }
                boolean ragged = (r + 1) * BLOCK > s || (c + 1) * BLOCK > s;
                kind[r][c] = (byte) (kept == 0 ? 0 : kept == total && !ragged ? 1 : 2);
            }
        }
        return HeadBlocks.fromMap(kind);
    }

    /** The classes of the last sparse call, [batch][head]: 0 spatial, 1 temporal; null after a dense call. */
    public int[][] lastClasses() {
        return lastClasses == null ? null : lastClasses.clone();
    }

    /** The profiling errors of the last sparse call, [batch][head][spatial, temporal]. */
    public double[][][] lastMses() {
        return lastMses == null ? null : lastMses.clone();
    }

    /** {@code svg[:s=0.3,steps=0.2,layers=0.03,rows=64,maxrow=10000,seed=0]}. */
    public static final class Provider implements AttentionMethodProvider {
        @Override
        public String name() {
            return "svg";
        }

        @Override
        public String summary() {
            return "Sparse VideoGen: svg[:s=0.3][,steps=0.2][,layers=0.03][,rows=64] (density budget, dense warm-up fractions)";
        }

        @Override
        public AttentionMethod create(String parameters) {
            return new SvgMethod(SvgParams.parse(parameters));
        }
    }
}
