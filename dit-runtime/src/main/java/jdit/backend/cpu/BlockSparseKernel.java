package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.attention.TileDecisions;
import jdit.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

/**
 * Block-sparse flash attention on the CPU, dense attention being its all-blocks plan. The (batch, head) pairs go in
 * chunks: first Q, K and V of the chunk's heads are packed once, in each head's token order and token by token across
 * the heads, so that the strided rows are read while in cache ({@link PackedHeads}; Q scaled by scale·log2(e), so the
 * softmax runs in base 2), then the workers claim (head, query block) tasks in turn. A task keeps its tiles in the
 * worker's arrays: for every active key block in ascending order (a
 * fixed order, so results do not depend on threads; descending with LiteAttention's verdicts) S = Q·Kᵀ with masked
 * pairs of PARTIAL tiles at −inf, LiteAttention's verdict on the tile, the online-softmax update and O = O·α + P·V
 * ({@link TileProducts}, {@link TileSoftmax}); finally O / l is scattered to the output and, when asked, the
 * log-sum-exp m + ln l (so that attention over parts of the keys can be merged exactly).
 */
final class BlockSparseKernel {
    private static final double LOG2E = 1 / Math.log(2);
    private static final double LN2 = Math.log(2);
    /** Packed floats per chunk (K and V each): 64 MiB, a few heads of the longest videos, every head of images. */
    private static final long PACK_BUDGET = 16L << 20;
    /** Key panels per packing task. */
    private static final int PACK_PANELS = 8;
    private final Parallel parallel;
    private final PackedHeads packed = new PackedHeads();
    private Tiles[] tiles = new Tiles[0];

    BlockSparseKernel(Parallel parallel) {
        this.parallel = parallel;
    }

    /** q, out [B, Tq, H, D] and k, v [B, Tk, H, D], unit stride in D; lse null or [B, H, Tq] F32 contiguous. */
    synchronized void run(Tensor q, Tensor k, Tensor v, AttentionPlan.BlockSparse plan, float scale, Tensor out, Tensor lse) {
        int tq = (int) q.dim(1);
        int tk = (int) k.dim(1);
        int heads = (int) q.dim(2);
        int d = (int) q.dim(3);
        if (plan.queries() != tq || plan.keys() != tk || plan.heads().size() != heads) {
            throw new IllegalArgumentException("plan for " + plan.heads().size() + " heads, " + plan.queries() + " x "
                    + plan.keys() + " tokens against q " + q.shape() + " and k " + k.shape());
        }
        int qBlocks = (tq + plan.queryBlock() - 1) / plan.queryBlock();
        int pairs = (int) q.dim(0) * heads;
        int chunk = PackedHeads.slotsFor(pairs, tk, d, PACK_BUDGET);
        // queries padded so that every block's rows round up to whole groups of 4
        int queryRows = PackedHeads.roundUp(qBlocks * plan.queryBlock(), TileProducts.ROWS);
        packed.prepare(chunk, tk, queryRows, d);
        float factor = (float) (scale * LOG2E);
        int threads = parallel.threads();
        prepareTiles(threads, plan, d);
        int panels = packed.paddedKeys() / TileProducts.PANEL;
        int queryPanels = (queryRows + TileProducts.PANEL - 1) / TileProducts.PANEL;
        int slices = (Math.max(panels, queryPanels) + PACK_PANELS - 1) / PACK_PANELS;
        for (int first = 0; first < pairs; first += chunk) {
            int count = Math.min(chunk, pairs - first);
            int firstPair = first;
            AtomicInteger nextPack = new AtomicInteger();
            parallel.forEach(threads, w -> {
                PackedHeads.Packer packer = packed.packer();
                for (int slice; (slice = nextPack.getAndIncrement()) < slices; ) {
                    // panel by panel across the chunk's heads: a token's rows of K and V are read while in cache
                    for (int p = slice * PACK_PANELS; p < (slice + 1) * PACK_PANELS; p++) {
                        int r0 = p * TileProducts.PANEL;
                        for (int slot = 0; slot < count; slot++) {
                            int pair = firstPair + slot;
                            int b = pair / heads;
                            int h = pair % heads;
                            int[] order = order(plan, pair);
                            if (p < panels) {
                                packer.pack(k, v, b, h, order, slot, p, p + 1);
                            }
                            if (r0 < queryRows) {
                                packer.packQueries(q, b, h, order, slot, r0, Math.min(queryRows, r0 + TileProducts.PANEL), factor);
                            }
                        }
                    }
                }
            });
            AtomicInteger next = new AtomicInteger();
            parallel.forEach(threads, w -> {
                for (int task; (task = next.getAndIncrement()) < count * qBlocks; ) {
                    int slot = task / qBlocks;
                    runTask(q, out, lse, plan, firstPair + slot, slot, task % qBlocks, tiles[w]);
                }
            });
        }
    }

    private static int[] order(AttentionPlan.BlockSparse plan, int pair) {
        return plan.headOrders() == null ? null : plan.headOrders()[pair];
    }

    private void prepareTiles(int threads, AttentionPlan.BlockSparse plan, int d) {
        int rows = PackedHeads.roundUp(plan.queryBlock(), TileProducts.ROWS);
        // a key block that starts inside a panel spans one panel more than its width rounds up to, and a row keeps
        // room to pad its tile to whole vectors
        int span = PackedHeads.roundUp(plan.keyBlock(), TileProducts.PANEL) + 2 * TileProducts.PANEL;
        int dp = PackedHeads.roundUp(d, TileProducts.PANEL);
        if (tiles.length != threads) {
            tiles = new Tiles[threads];
        }
        for (int w = 0; w < threads; w++) {
            if (tiles[w] == null || !tiles[w].fits(rows, span, dp)) {
                tiles[w] = new Tiles(rows, span, dp);
            }
        }
    }

    /**
     * One worker's tiles: S [rows, span], O [rows, dp], the rows' running m, lane sums l, factor α and the lane
     * maxima of their current scores.
     */
    private record Tiles(float[] s, float[] o, float[] m, float[] l, float[] alpha, float[] max, int rows, int span, int dp) {
        Tiles(int rows, int span, int dp) {
            this(new float[rows * span], new float[rows * dp], new float[rows], new float[rows * TileProducts.PANEL],
                    new float[rows], new float[rows * TileProducts.PANEL], rows, span, dp);
        }

        boolean fits(int rows, int span, int dp) {
            return this.rows >= rows && this.span >= span && this.dp == dp;
        }
    }

    private void runTask(Tensor q, Tensor out, Tensor lse, AttentionPlan.BlockSparse plan, int pair, int slot, int qb,
                         Tiles t) {
        int heads = (int) q.dim(2);
        int d = (int) q.dim(3);
        int dp = packed.valueWidth();
        int b = pair / heads;
        int h = pair % heads;
        int r0 = qb * plan.queryBlock();
        int rows = Math.min(plan.queryBlock(), (int) q.dim(1) - r0);
        int rows4 = PackedHeads.roundUp(rows, TileProducts.ROWS);
        int[] order = order(plan, pair);
        Arrays.fill(t.m(), 0, rows4, Float.NEGATIVE_INFINITY);
        Arrays.fill(t.l(), 0, rows4 * TileProducts.SP.length(), 0f);
        Arrays.fill(t.alpha(), 0, rows4, 1f);
        Arrays.fill(t.o(), 0, rows4 * dp, 0f);
        HeadBlocks hb = plan.heads().get(h);
        ElementMask mask = plan.mask();
        TileDecisions decisions = plan.decisions();
        boolean ragged = rows < plan.queryBlock();
        int visits = hb.end(qb) - hb.start(qb);
        for (int visit = 0; visit < visits; visit++) {
            int a = decisions != null ? hb.end(qb) - 1 - visit : hb.start(qb) + visit;
            int c0 = hb.col(a) * plan.keyBlock();
            int cols = Math.min(plan.keyBlock(), plan.keys() - c0);
            int p0 = c0 / TileProducts.PANEL;
            int panels = (c0 + cols + TileProducts.PANEL - 1) / TileProducts.PANEL - p0;
            int off = c0 - p0 * TileProducts.PANEL;
            int stride = (panels + 1) * TileProducts.PANEL;
            int width = PackedHeads.roundUp(cols, TileProducts.PANEL);
            TileProducts.scores(packed.queries(), packed.queryBase(slot) + r0 * d, rows4, d, packed.keys(), packed.keyBase(slot),
                    p0, panels, t.s(), stride, t.max());
            if (hb.partial(a)) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        if (!mask.allowed(r0 + i, c0 + j)) {
                            t.s()[i * stride + off + j] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
            }
            if (width > cols) {
                for (int i = 0; i < rows; i++) {
                    Arrays.fill(t.s(), i * stride + off + cols, i * stride + off + width, Float.NEGATIVE_INFINITY);
                }
            }
            if (decisions != null && visit > 0) {
                boolean skip = !ragged && negligible(t, rows, stride, off, width, decisions.thresholdLog2());
                decisions.set(b, h, qb, hb.col(a), skip ? (byte) 1 : 0);
            }
            // the lane maxima from the products hold when the tile is exactly the scores they saw
            boolean exact = !hb.partial(a) && off == 0 && cols == panels * TileProducts.PANEL;
            for (int i = 0; i < rows; i++) {
                int at = i * stride + off;
                float max = exact ? TileSoftmax.lanesMax(t.max(), i * TileProducts.PANEL) : TileSoftmax.rowMax(t.s(), at, width);
                t.alpha()[i] = TileSoftmax.update(t.s(), at, width, max, t.m(), t.l(), i);
            }
            // padded rows have zero queries, so zero scores and, never normalised, zero weights
            TileProducts.accumulate(t.s(), stride, off, cols, packed.values(), packed.valueBase(slot), packed.paddedKeys(), c0, dp,
                    t.o(), t.alpha(), rows4);
        }
        for (int i = 0; i < rows; i++) {
            float l = (float) TileSoftmax.rowSum(t.l(), i);
            scale(t.o(), i * dp, d, l == 0 ? 0f : 1f / l);
            int tok = order == null ? r0 + i : order[r0 + i];
            MemorySegment.copy(t.o(), i * dp, out.segment(), Layouts.F32, PackedHeads.rowOffset(out, b, tok, h), d);
            if (lse != null) {
                float value = l == 0 ? Float.NEGATIVE_INFINITY : (float) ((t.m()[i] + Math.log(l) * LOG2E) * LN2);
                lse.segment().setAtIndex(Layouts.F32, lse.offset() + ((long) b * heads + h) * q.dim(1) + tok, value);
            }
        }
    }

    /**
     * LiteAttention's test on a score tile (base-2 units) before it enters the running state: negligible iff for
     * every row tile max − running max <= thr.
     */
    private static boolean negligible(Tiles t, int rows, int stride, int off, int cols, double thr) {
        for (int i = 0; i < rows; i++) {
            float max = TileSoftmax.rowMax(t.s(), i * stride + off, cols);
            if (max - (double) t.m()[i] > thr) {
                return false;
            }
        }
        return true;
    }

    private static void scale(float[] a, int off, int n, float f) {
        int i = 0;
        for (int bound = TileProducts.SP.loopBound(n); i < bound; i += TileProducts.SP.length()) {
            FloatVector.fromArray(TileProducts.SP, a, off + i).mul(f).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] *= f;
        }
    }
}
