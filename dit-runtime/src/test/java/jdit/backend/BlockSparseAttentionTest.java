package jdit.backend;

import static jdit.testing.Tensors.assertClose;
import static jdit.testing.Tensors.random;
import static jdit.testing.Tensors.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CPU block-sparse kernel (with and without OpenBLAS) against softmax attention computed here in double over the
 * allowed pairs: the all-blocks plan equals dense attention; random plans with PARTIAL tiles (a band and a ragged
 * text boundary) equal dense attention under the equivalent element mask, rows with no key give 0 and lse −inf;
 * and attention over two disjoint key sets merges through the log-sum-exp into the whole.
 */
class BlockSparseAttentionTest {
    /** out[b, i, h] over the keys allowed[h][i][j], in double; lse likewise. */
    private static void expected(Tensor q, Tensor k, Tensor v, boolean[][][] allowed, float scale, Tensor out, Tensor lse) {
        int tk = (int) k.dim(1);
        for (int b = 0; b < q.dim(0); b++) {
            for (int h = 0; h < q.dim(2); h++) {
                for (int i = 0; i < q.dim(1); i++) {
                    double[] s = new double[tk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        if (allowed[h][i][j]) {
                            double dot = 0;
                            for (int d = 0; d < q.dim(3); d++) {
                                dot += q.getDouble(b, i, h, d) * k.getDouble(b, j, h, d);
                            }
                            s[j] = dot * scale;
                            max = Math.max(max, s[j]);
                        }
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        s[j] = allowed[h][i][j] ? Math.exp(s[j] - max) : 0;
                        sum += s[j];
                    }
                    for (int d = 0; d < q.dim(3); d++) {
                        double o = 0;
                        for (int j = 0; j < tk; j++) {
                            o += s[j] * v.getDouble(b, j, h, d);
                        }
                        out.setDouble(sum == 0 ? 0 : o / sum, b, i, h, d);
                    }
                    if (lse != null) {
                        lse.setDouble(sum == 0 ? -1e30 : max + Math.log(sum), b, h, i);
                    }
                }
            }
        }
    }

    private static boolean[][][] mask(AttentionPlan.BlockSparse p) {
        boolean[][][] m = new boolean[p.heads().size()][p.queries()][p.keys()];
        for (int h = 0; h < m.length; h++) {
            HeadBlocks hb = p.heads().get(h);
            for (int i = 0; i < p.queries(); i++) {
                int qb = i / p.queryBlock();
                for (int a = hb.start(qb); a < hb.end(qb); a++) {
                    for (int j = hb.col(a) * p.keyBlock(); j < Math.min(p.keys(), (hb.col(a) + 1) * p.keyBlock()); j++) {
                        m[h][i][j] = !hb.partial(a) || p.mask().allowed(i, j);
                    }
                }
            }
        }
        return m;
    }

    /** A random plan: each tile skipped, FULL or PARTIAL; one query block left empty for head 0. */
    private static AttentionPlan.BlockSparse randomPlan(Random r, int heads, int tq, int tk, int bq, int bk, ElementMask mask) {
        int qBlocks = (tq + bq - 1) / bq;
        int kBlocks = (tk + bk - 1) / bk;
        List<HeadBlocks> hs = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            byte[][] kind = new byte[qBlocks][kBlocks];
            for (int a = 0; a < qBlocks; a++) {
                for (int c = 0; c < kBlocks; c++) {
                    kind[a][c] = (byte) (h == 0 && a == 1 ? 0 : r.nextInt(3));
                }
            }
            hs.add(HeadBlocks.fromMap(kind));
        }
        return new AttentionPlan.BlockSparse(bq, bk, tq, tk, hs, mask);
    }

    private static void lseToFinite(Tensor lse) {
        for (long i = 0; i < lse.numel(); i++) {
            if (lse.getDoubleAt(i) == Double.NEGATIVE_INFINITY) {
                lse.setDoubleAt(i, -1e30);
            }
        }
    }

    @Test
    void allBlocksIsDenseAndRandomPlansMatchTheirElementMask() {
        int[][] sizes = {{1, 20, 20, 2, 8, 8, 8}, {2, 45, 70, 3, 16, 16, 32}, {1, 130, 129, 2, 24, 64, 64}, {1, 7, 300, 1, 128, 16, 128}};
        Random r = new Random(11);
        for (boolean blas : new boolean[] {true, false}) {
            try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, blas)) {
                for (int[] s : sizes) {
                    int b = s[0], tq = s[1], tk = s[2], heads = s[3], d = s[4], bq = s[5], bk = s[6];
                    Tensor q = random(a, r, 0.0, 1.5, b, tq, heads, d);
                    Tensor k = random(a, r, 0.0, 1.5, b, tk, heads, d);
                    Tensor v = random(a, r, b, tk, heads, d);
                    float scale = (float) (1 / Math.sqrt(d));
                    String what = (blas ? "openblas " : "vector ") + java.util.Arrays.toString(s);
                    // the all-blocks plan is dense attention
                    AttentionPlan.BlockSparse all = AttentionPlan.BlockSparse.all(heads, tq, tk, bq, bk);
                    assertEquals(1.0, all.density(), 1e-12);
                    Tensor want = zeros(a, b, tq, heads, d);
                    Tensor got = zeros(a, b, tq, heads, d);
                    Backends.reference().attention().attend(q, k, v, AttentionPlan.DENSE, scale, want);
                    cpu.backend().attention().attend(q, k, v, all, scale, got);
                    assertClose(want, got, 1e-5, 1e-5, what + " all blocks");
                    // a random plan, PARTIAL tiles cut by a band around the diagonal and a ragged text edge
                    ElementMask band = (i, j) -> Math.abs(i * tk / tq - j) <= tk / 4 || j >= tk - 3;
                    AttentionPlan.BlockSparse plan = randomPlan(r, heads, tq, tk, bq, bk, band);
                    Tensor wantLse = zeros(a, b, heads, tq);
                    Tensor gotLse = zeros(a, b, heads, tq);
                    expected(q, k, v, mask(plan), scale, want, wantLse);
                    cpu.backend().attention().attend(q, k, v, plan, scale, got, gotLse);
                    assertClose(want, got, 1e-5, 1e-5, what + " random plan");
                    lseToFinite(gotLse);
                    assertClose(wantLse, gotLse, 1e-5, 1e-5, what + " random plan lse");
                }
            }
        }
    }

    @Test
    void perHeadTokenOrdersAreAppliedOnLoadAndStore() {
        Random r = new Random(13);
        int b = 2, n = 70, heads = 3, d = 16;
        for (boolean blas : new boolean[] {true, false}) {
            try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, blas)) {
                Tensor q = random(a, r, 0.0, 1.5, b, n, heads, d);
                Tensor k = random(a, r, 0.0, 1.5, b, n, heads, d);
                Tensor v = random(a, r, b, n, heads, d);
                int[][] orders = new int[b * heads][];
                for (int i = 0; i < orders.length; i += 2) { // every other (batch, head) reordered
                    List<Integer> perm = new ArrayList<>();
                    for (int t = 0; t < n; t++) {
                        perm.add(t);
                    }
                    java.util.Collections.shuffle(perm, r);
                    orders[i] = perm.stream().mapToInt(Integer::intValue).toArray();
                }
                AttentionPlan.BlockSparse base = randomPlan(r, heads, n, n, 16, 16, (i, j) -> Math.abs(i - j) < 20);
                AttentionPlan.BlockSparse plan = new AttentionPlan.BlockSparse(16, 16, n, n, base.heads(), base.mask(), null, orders);
                Tensor want = zeros(a, b, n, heads, d), got = zeros(a, b, n, heads, d);
                Tensor wantLse = zeros(a, b, heads, n), gotLse = zeros(a, b, heads, n);
                Backends.reference().attention().attend(q, k, v, plan, 0.25f, want, wantLse);
                cpu.backend().attention().attend(q, k, v, plan, 0.25f, got, gotLse);
                assertClose(want, got, 1e-5, 1e-5, (blas ? "openblas" : "vector") + " per-head orders");
                lseToFinite(wantLse);
                lseToFinite(gotLse);
                assertClose(wantLse, gotLse, 1e-5, 1e-5, "per-head orders lse");
            }
        }
    }

    @Test
    void twoDisjointKeySetsMergeThroughTheLogSumExp() {
        Random r = new Random(12);
        int tq = 50, tk = 96, heads = 2, d = 16;
        try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, true)) {
            Tensor q = random(a, r, 0.0, 2.0, 1, tq, heads, d);
            Tensor k = random(a, r, 0.0, 2.0, 1, tk, heads, d);
            Tensor v = random(a, r, 1, tk, heads, d);
            int split = 40; // "text" keys [0, 40), "video" keys [40, 96): blocks of 16 make the boundary block PARTIAL
            ElementMask text = (i, j) -> j < split;
            ElementMask video = (i, j) -> j >= split;
            AttentionPlan.BlockSparse textPlan = AttentionPlan.BlockSparse.all(heads, tq, tk, 16, 16);
            Tensor o1 = zeros(a, 1, tq, heads, d), o2 = zeros(a, 1, tq, heads, d), whole = zeros(a, 1, tq, heads, d);
            Tensor l1 = zeros(a, 1, heads, tq), l2 = zeros(a, 1, heads, tq), lw = zeros(a, 1, heads, tq);
            cpu.backend().attention().attend(q, k, v, partOf(textPlan, text, 0, 3), 0.25f, o1, l1);
            cpu.backend().attention().attend(q, k, v, partOf(textPlan, video, 2, 6), 0.25f, o2, l2);
            cpu.backend().attention().attend(q, k, v, AttentionPlan.DENSE, 0.25f, whole, lw);
            Tensor merged = zeros(a, 1, tq, heads, d);
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tq; i++) {
                    double x1 = l1.getDouble(0, h, i), x2 = l2.getDouble(0, h, i);
                    double m = Math.max(x1, x2);
                    double w1 = Math.exp(x1 - m), w2 = Math.exp(x2 - m);
                    assertEquals(lw.getDouble(0, h, i), m + Math.log(w1 + w2), 1e-5, "lse of the whole");
                    for (int c = 0; c < d; c++) {
                        merged.setDouble((w1 * o1.getDouble(0, i, h, c) + w2 * o2.getDouble(0, i, h, c)) / (w1 + w2), 0, i, h, c);
                    }
                }
            }
            assertClose(whole, merged, 1e-5, 1e-5, "merged parts");
        }
    }

    /** Key blocks [from, to) of every query block, the boundary blocks PARTIAL under {@code mask}. */
    private static AttentionPlan.BlockSparse partOf(AttentionPlan.BlockSparse all, ElementMask mask, int from, int to) {
        int qBlocks = all.heads().get(0).queryBlocks();
        byte[][] kind = new byte[qBlocks][6];
        for (int r = 0; r < qBlocks; r++) {
            for (int c = from; c < to; c++) {
                kind[r][c] = 2;
            }
        }
        HeadBlocks hb = HeadBlocks.fromMap(kind);
        return new AttentionPlan.BlockSparse(all.queryBlock(), all.keyBlock(), all.queries(), all.keys(),
                java.util.Collections.nCopies(all.heads().size(), hb), mask);
    }
}
