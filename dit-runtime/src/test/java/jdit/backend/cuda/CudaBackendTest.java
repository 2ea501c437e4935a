package jdit.backend.cuda;

import static jdit.testing.Tensors.assertClose;
import static jdit.testing.Tensors.random;
import static jdit.testing.Tensors.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.attention.TileDecisions;
import jdit.backend.Backend;
import jdit.backend.Backends;
import jdit.backend.BinaryOp;
import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.backend.Epilogue;
import jdit.backend.ReduceOp;
import jdit.backend.RopeStyle;
import jdit.backend.UnaryOp;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every op of the CUDA backend against the double-precision reference (and the block-sparse kernel against the CPU
 * one) on random inputs, within the dtype's tolerance: F32 element-wise and row ops 1e-5 relative to max |ref|, TF32
 * products 2e-3, BF16 products and BF16 attention 1e-2. Skipped, with the probe's reason, where no GPU can be used.
 */
class CudaBackendTest {
    private static CudaContext ctx;
    private static Backend gpu;
    private static Backend tensorCores;
    private final Backend ref = Backends.reference();
    private final Random r = new Random(7);

    @BeforeAll
    static void open() {
        if (CudaProbe.available()) {
            ctx = CudaContext.open(0, CudaSourcesTest.options());
            gpu = CudaBackend.create(ctx, true);
            tensorCores = CudaBackend.create(ctx);
        } else {
            System.err.println("CudaBackendTest: every test skipped, no GPU: " + CudaProbe.result().reason());
        }
    }

    /** Each test reports itself skipped, with the probe's reason, where no GPU can be used. */
    @BeforeEach
    void needsAGpu() {
        CudaProbe.Result probe = CudaProbe.result();
        assumeTrue(probe.available(), "skipped, no GPU: " + probe.reason());
    }

    @AfterAll
    static void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    private static Tensor up(Tensor host) {
        return ctx.upload(host);
    }

    private static Tensor down(Arena a, Tensor dev) {
        Tensor host = Tensor.allocate(a, dev.dtype(), dev.shape());
        ctx.download(dev, host);
        return host;
    }

    private static Tensor empty(long... shape) {
        return ctx.allocate(DType.F32, shape);
    }

    @Test
    void copiesStridedViewsAndConvertsHalfTypes() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 37, 129);
            Tensor dx = up(x);
            Tensor t = empty(129, 37);
            gpu.memory().copy(dx.transpose(0, 1), t);
            Tensor want = zeros(a, 129, 37);
            ref.memory().copy(x.transpose(0, 1), want);
            assertClose(want, down(a, t), 0, 0, "transposed copy");
            for (DType half : new DType[] {DType.BF16, DType.F16}) {
                Tensor h = ctx.allocate(half, 37, 129);
                gpu.memory().copy(dx, h);
                Tensor back = empty(37, 129);
                gpu.memory().copy(h, back);
                Tensor hostHalf = Tensor.allocate(a, half, x.shape());
                ref.memory().copy(x, hostHalf);
                Tensor wantBack = zeros(a, 37, 129);
                ref.memory().copy(hostHalf, wantBack);
                assertClose(wantBack, down(a, back), 0, 0, "round trip through " + half + " rounds to nearest even");
            }
            gpu.memory().fill(t, 2.5f);
            assertEquals(2.5, down(a, t).getDouble(128, 36));
        }
    }

    @Test
    void elementwiseOpsWithBroadcasting() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 0, 2, 3, 17, 33);
            Tensor y = random(a, r, 0, 2, 17, 1);
            Tensor dx = up(x);
            Tensor dy = up(y);
            for (UnaryOp op : UnaryOp.values()) {
                Tensor want = zeros(a, 3, 17, 33);
                Tensor got = empty(3, 17, 33);
                ref.pointwise().unary(op, x, want);
                gpu.pointwise().unary(op, dx, got);
                assertClose(want, down(a, got), 1e-6, 2e-6, "unary " + op);
            }
            for (BinaryOp op : BinaryOp.values()) {
                Tensor want = zeros(a, 3, 17, 33);
                Tensor got = empty(3, 17, 33);
                ref.pointwise().binary(op, x, y, want);
                gpu.pointwise().binary(op, dx, dy, got);
                assertClose(want, down(a, got), 1e-6, 1e-6, "binary " + op);
            }
            Tensor z = random(a, r, 3, 17, 33);
            Tensor want = zeros(a, 3, 17, 33);
            Tensor got = empty(3, 17, 33);
            ref.pointwise().scaleAdd(x, 0.3f, z, -1.7f, want);
            gpu.pointwise().scaleAdd(dx, 0.3f, up(z), -1.7f, got);
            assertClose(want, down(a, got), 1e-6, 1e-6, "scaleAdd");
        }
    }

    @Test
    void adaLnModulationGatesSoftmaxAndRotary() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 2, 9, 40);
            Tensor shift = random(a, r, 2, 40);
            Tensor scale = random(a, r, 2, 9, 40);
            Tensor want = zeros(a, 2, 9, 40);
            Tensor got = empty(2, 9, 40);
            ref.pointwise().modulate(x, shift, scale, want);
            gpu.pointwise().modulate(up(x), up(shift), up(scale), got);
            assertClose(want, down(a, got), 1e-6, 1e-6, "modulate");
            Tensor y = random(a, r, 2, 9, 40);
            ref.pointwise().gatedAdd(x, y, shift, want);
            Tensor dx = up(x);
            gpu.pointwise().gatedAdd(dx, up(y), up(shift), dx);
            assertClose(want, down(a, dx), 1e-6, 1e-6, "gatedAdd in place");
            Tensor s = random(a, r, 0, 3, 5, 1000);
            Tensor sw = zeros(a, 5, 1000);
            Tensor sg = empty(5, 1000);
            ref.pointwise().softmax(s, 0.7f, sw);
            gpu.pointwise().softmax(up(s), 0.7f, sg);
            assertClose(sw, down(a, sg), 1e-7, 1e-5, "softmax");
            Tensor q = random(a, r, 2, 6, 3, 16);
            Tensor cos = random(a, r, 6, 8);
            Tensor sin = random(a, r, 6, 8);
            for (RopeStyle style : RopeStyle.values()) {
                Tensor rw = zeros(a, 2, 6, 3, 16);
                Tensor rg = empty(2, 6, 3, 16);
                ref.pointwise().rope(q, cos, sin, style, rw);
                gpu.pointwise().rope(up(q), up(cos), up(sin), style, rg);
                assertClose(rw, down(a, rg), 1e-6, 1e-6, "rope " + style);
            }
        }
    }

    @Test
    void normsAndReductions() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 2, 3, 45, 1152);
            Tensor w = random(a, r, 1152);
            Tensor b = random(a, r, 1152);
            Tensor want = zeros(a, 45, 1152);
            Tensor got = empty(45, 1152);
            ref.norms().layerNorm(x, w, b, 1e-6f, want);
            gpu.norms().layerNorm(up(x), up(w), up(b), 1e-6f, got);
            assertClose(want, down(a, got), 1e-5, 2e-6, "layerNorm");
            ref.norms().rmsNorm(x, w, 1e-6f, want);
            gpu.norms().rmsNorm(up(x), up(w), 1e-6f, got);
            assertClose(want, down(a, got), 1e-5, 2e-6, "rmsNorm");
            Tensor g = random(a, r, 1, 2, 2, 32, 5, 7);
            Tensor gw = random(a, r, 32);
            Tensor gb = random(a, r, 32);
            Tensor gwant = zeros(a, 2, 32, 5, 7);
            Tensor ggot = empty(2, 32, 5, 7);
            ref.norms().groupNorm(g, 8, gw, gb, 1e-6f, gwant);
            gpu.norms().groupNorm(up(g), 8, up(gw), up(gb), 1e-6f, ggot);
            assertClose(gwant, down(a, ggot), 1e-5, 3e-6, "groupNorm");
            for (ReduceOp op : ReduceOp.values()) {
                Tensor rw = zeros(a, 2, 7);
                Tensor rg = empty(2, 7);
                Tensor t = random(a, r, 2, 33, 7);
                ref.reductions().reduce(op, t, 1, rw);
                gpu.reductions().reduce(op, up(t), 1, rg);
                assertClose(rw, down(a, rg), 1e-6, 1e-6, "reduce " + op);
            }
        }
    }

    @Test
    void productsInTf32AndHalfWeightsWithEpilogues() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 2, 77, 384);
            Tensor w = random(a, r, 0, 0.05, 257, 384);
            Tensor bias = random(a, r, 257);
            Tensor res = random(a, r, 2, 77, 257);
            Epilogue e = Epilogue.linear(bias).withActivation(UnaryOp.GELU_TANH).withAlpha(0.5f);
            Tensor want = zeros(a, 2, 77, 257);
            ref.pointwise().scaleAdd(res, 1f, res, 0f, want);
            ref.gemm().matmul(x, w, want, e.withResidual(want));
            Tensor got = up(res);
            gpu.gemm().matmul(up(x), up(w), got, e.withResidual(got));
            assertClose(want, down(a, got), 1e-4, 2e-3, "TF32 linear + bias + GELU + residual aliasing out");
            for (DType half : new DType[] {DType.BF16, DType.F16}) {
                Tensor wh = Tensor.allocate(a, half, w.shape());
                ref.memory().copy(w, wh);
                Tensor hw = zeros(a, 2, 77, 257);
                ref.gemm().matmul(x, wh, hw, Epilogue.linear(bias));
                Tensor hg = empty(2, 77, 257);
                gpu.gemm().matmul(up(x), up(wh), hg, Epilogue.linear(bias));
                assertClose(hw, down(a, hg), 1e-3, 1e-2, half + " weights");
            }
            Tensor p = random(a, r, 3, 20, 64);
            Tensor q = random(a, r, 3, 64, 48);
            Tensor bw = zeros(a, 3, 20, 48);
            Tensor bg = empty(3, 20, 48);
            ref.gemm().batchedMatmul(p, q, bw, Epilogue.NONE);
            gpu.gemm().batchedMatmul(up(p), up(q), bg, Epilogue.NONE);
            assertClose(bw, down(a, bg), 1e-4, 2e-3, "batched");
        }
    }

    @Test
    void convolutionsWithGroupsDilationAndCausalTime() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 2, 8, 13, 11);
            Tensor w = random(a, r, 0, 0.2, 6, 4, 3, 3);
            Tensor b = random(a, r, 6);
            Conv2dSpec s = new Conv2dSpec(2, 1, 1, 2, 1, 2, 2);
            long ho = (13 + 2 - 3) / 2 + 1;
            long wo = (11 + 4 - 5) + 1;
            Tensor want = zeros(a, 2, 6, ho, wo);
            Tensor got = empty(2, 6, ho, wo);
            ref.conv().conv2d(x, w, b, s, want);
            gpu.conv().conv2d(up(x), up(w), up(b), s, got);
            assertClose(want, down(a, got), 1e-4, 2e-3, "conv2d");
            Tensor v = random(a, r, 1, 5, 4, 9, 10);
            Tensor vw = random(a, r, 0, 0.2, 7, 5, 3, 3, 3);
            Conv3dSpec c = Conv3dSpec.causal(1, 1, 1, 1);
            Tensor vwant = zeros(a, 1, 7, 4, 9, 10);
            Tensor vgot = empty(1, 7, 4, 9, 10);
            ref.conv().conv3d(v, vw, null, c, vwant);
            gpu.conv().conv3d(up(v), up(vw), null, c, vgot);
            assertClose(vwant, down(a, vgot), 1e-4, 2e-3, "causal conv3d");
        }
    }

    @Test
    void denseAttentionAndLogSumExp() {
        try (Arena a = Arena.ofShared()) {
            for (int[] s : new int[][] {{1, 200, 200, 3, 64}, {2, 130, 77, 2, 72}}) {
                Tensor q = random(a, r, s[0], s[1], s[3], s[4]);
                Tensor k = random(a, r, s[0], s[2], s[3], s[4]);
                Tensor v = random(a, r, s[0], s[2], s[3], s[4]);
                float scale = (float) (1 / Math.sqrt(s[4]));
                Tensor want = zeros(a, s[0], s[1], s[3], s[4]);
                Tensor lseWant = zeros(a, s[0], s[3], s[1]);
                ref.attention().attend(q, k, v, AttentionPlan.DENSE, scale, want, lseWant);
                Tensor got = empty(s[0], s[1], s[3], s[4]);
                Tensor lse = empty(s[0], s[3], s[1]);
                gpu.attention().attend(up(q), up(k), up(v), AttentionPlan.DENSE, scale, got, lse);
                assertClose(want, down(a, got), 1e-6, 1e-5, "dense " + java.util.Arrays.toString(s));
                assertClose(lseWant, down(a, lse), 1e-5, 1e-6, "lse " + java.util.Arrays.toString(s));
                tensorCores.attention().attend(up(q), up(k), up(v), AttentionPlan.DENSE, scale, got, lse);
                assertClose(want, down(a, got), 1e-3, 1e-2, "BF16 dense " + java.util.Arrays.toString(s));
                assertClose(lseWant, down(a, lse), 1e-2, 1e-2, "BF16 lse " + java.util.Arrays.toString(s));
            }
        }
    }

    /** A plan with a band of FULL tiles, PARTIAL edge tiles and a ragged end, per head; head 1 sees a reversed order. */
    private static AttentionPlan.BlockSparse bandPlan(int tokens, int heads, int block, TileDecisions decisions, boolean orders) {
        int tiles = (tokens + block - 1) / block;
        List<HeadBlocks> hs = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            byte[][] kind = new byte[tiles][tiles];
            for (int i = 0; i < tiles; i++) {
                for (int j = 0; j < tiles; j++) {
                    int dist = Math.abs(i - j);
                    kind[i][j] = (byte) (dist <= h ? 1 : dist == h + 1 || j == tiles - 1 ? 2 : 0);
                }
            }
            hs.add(HeadBlocks.fromMap(kind));
        }
        ElementMask band = (i, j) -> Math.abs(i - j) < 2 * block || j % 3 == 0;
        int[][] headOrders = null;
        if (orders) {
            headOrders = new int[heads][];
            int[] rev = new int[tokens];
            for (int i = 0; i < tokens; i++) {
                rev[i] = tokens - 1 - i;
            }
            headOrders[1] = rev;
        }
        return new AttentionPlan.BlockSparse(block, block, tokens, tokens, hs, band, decisions, headOrders);
    }

    @Test
    void blockSparsePlansMatchTheCpuKernel() {
        try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, false)) {
            int tokens = 300;
            int heads = 3;
            int block = 64;
            Tensor q = random(a, r, 2, tokens, heads, 64);
            Tensor k = random(a, r, 2, tokens, heads, 64);
            Tensor v = random(a, r, 2, tokens, heads, 64);
            int tiles = (tokens + block - 1) / block;
            TileDecisions cpuDecisions = new TileDecisions(2, heads, tiles, tiles, -3);
            TileDecisions gpuDecisions = new TileDecisions(2, heads, tiles, tiles, -3);
            Tensor want = zeros(a, 2, tokens, heads, 64);
            Tensor lseWant = zeros(a, 2, heads, tokens);
            cpu.backend().attention().attend(q, k, v, bandPlan(tokens, heads, block, cpuDecisions, true), 0.125f, want, lseWant);
            Tensor got = empty(2, tokens, heads, 64);
            Tensor lse = empty(2, heads, tokens);
            gpu.attention().attend(up(q), up(k), up(v), bandPlan(tokens, heads, block, gpuDecisions, true), 0.125f, got, lse);
            assertClose(want, down(a, got), 1e-6, 1e-5, "band plan with orders and LiteAttention recording");
            assertClose(lseWant, down(a, lse), 1e-5, 1e-6, "band plan lse");
            for (byte verdict = -1; verdict <= 1; verdict++) {
                assertEquals(cpuDecisions.count(verdict), gpuDecisions.count(verdict), "tiles with verdict " + verdict);
            }
            Tensor half = empty(2, tokens, heads, 64);
            tensorCores.attention().attend(up(q), up(k), up(v), bandPlan(tokens, heads, block, null, true), 0.125f, half, null);
            Tensor exact = zeros(a, 2, tokens, heads, 64);
            cpu.backend().attention().attend(q, k, v, bandPlan(tokens, heads, block, null, true), 0.125f, exact);
            assertClose(exact, down(a, half), 1e-3, 1e-2, "BF16 band plan with orders");
        }
    }
}
