package jdit.backend.cuda;

import static jdit.testing.Tensors.assertClose;
import static jdit.testing.Tensors.random;
import static jdit.testing.Tensors.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;
import jdit.attention.AttentionPlan;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dense attention through cuDNN against the CPU kernel in double-checked FP32, within BF16's tolerance (1e-2 of the
 * largest output; the lse to 1e-2 absolute): ragged token counts, text-like Tk != Tq, with and without the lse,
 * strided views into a fused qkv, FP16 as well as BF16, and the proof that cuDNN ran (a plan was built, none
 * refused). Skipped, with the reason, where there is no GPU or no cuDNN 9.
 */
class CudnnSdpaTest {
    private static CudaContext ctx;
    private static CpuBackend cpu;
    private final Random r = new Random(11);

    @BeforeAll
    static void open() {
        if (CudaProbe.available()) {
            ctx = CudaContext.open(0, CudaSourcesTest.options());
            cpu = CpuBackend.create(2, false);
            if (ctx.sdpa().isEmpty()) {
                System.err.println("CudnnSdpaTest: every test skipped, no cuDNN: " + ctx.cudnnStatus());
            }
        } else {
            System.err.println("CudnnSdpaTest: every test skipped, no GPU: " + CudaProbe.result().reason());
        }
    }

    @BeforeEach
    void needsCudnn() {
        assumeTrue(CudaProbe.available(), "skipped, no GPU: " + CudaProbe.result().reason());
        assumeTrue(ctx.sdpa().isPresent(), "skipped, no cuDNN: " + ctx.cudnnStatus());
    }

    @AfterAll
    static void close() {
        if (ctx != null) {
            ctx.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    private static Tensor down(Arena a, Tensor dev) {
        Tensor host = Tensor.allocate(a, dev.dtype(), dev.shape());
        ctx.download(dev, host);
        return host;
    }

    private static String refusals() {
        return ctx.sdpa().orElseThrow().refusals().toString();
    }

    @Test
    void matchesTheCpuKernelOnRaggedAndTextLikeShapes() {
        Backend gpu = CudaBackend.create(ctx, DenseAttention.CUDNN);
        // {B, Tq, Tk, H, D}: ragged self-attention, text-like cross-attention, Tq < Tk, DiT's and Wan's head sizes
        int[][] shapes = {{1, 200, 200, 3, 64}, {2, 130, 77, 2, 72}, {1, 97, 1000, 4, 128}, {2, 1031, 1031, 2, 72}};
        try (Arena a = Arena.ofShared()) {
            for (int[] s : shapes) {
                Tensor q = random(a, r, s[0], s[1], s[3], s[4]);
                Tensor k = random(a, r, s[0], s[2], s[3], s[4]);
                Tensor v = random(a, r, s[0], s[2], s[3], s[4]);
                float scale = (float) (1 / Math.sqrt(s[4]));
                Tensor want = zeros(a, s[0], s[1], s[3], s[4]);
                Tensor lseWant = zeros(a, s[0], s[3], s[1]);
                cpu.backend().attention().attend(q, k, v, AttentionPlan.DENSE, scale, want, lseWant);
                Tensor dq = ctx.upload(q);
                Tensor dk = ctx.upload(k);
                Tensor dv = ctx.upload(v);
                for (boolean withLse : new boolean[] {true, false}) {
                    int before = ctx.sdpa().orElseThrow().plansBuilt();
                    Tensor got = ctx.allocate(DType.F32, s[0], s[1], s[3], s[4]);
                    Tensor lse = withLse ? ctx.allocate(DType.F32, s[0], s[3], s[1]) : null;
                    gpu.attention().attend(dq, dk, dv, AttentionPlan.DENSE, scale, got, lse);
                    String what = Arrays.toString(s) + (withLse ? " with lse" : " without lse");
                    assertEquals(before + 1, ctx.sdpa().orElseThrow().plansBuilt(), "cuDNN built a plan for " + what
                            + "; refusals: " + refusals());
                    assertClose(want, down(a, got), 1e-3, 1e-2, "cuDNN " + what);
                    if (withLse) {
                        assertClose(lseWant, down(a, lse), 1e-2, 1e-3, "cuDNN stats as lse (natural log) " + what);
                    }
                    gpu.attention().attend(dq, dk, dv, AttentionPlan.DENSE, 0.5f * scale, got, lse);
                    assertEquals(before + 1, ctx.sdpa().orElseThrow().plansBuilt(), "the plan is reused for another scale");
                }
            }
        }
    }

    /** Q, K, V as views into one [B, T, 3, H, D] projection, and the all-tiles block plan, which is dense work. */
    @Test
    void stridedViewsAndTheAllTilesPlan() {
        try (Arena a = Arena.ofShared()) {
            Tensor qkv = random(a, r, 1, 300, 3, 4, 64);
            Tensor want = zeros(a, 1, 300, 4, 64);
            Tensor lseWant = zeros(a, 1, 4, 300);
            cpu.backend().attention().attend(qkv.select(2, 0), qkv.select(2, 1), qkv.select(2, 2), AttentionPlan.DENSE, 0.125f,
                    want, lseWant);
            Tensor d = ctx.upload(qkv);
            Tensor got = ctx.allocate(DType.F32, 1, 300, 4, 64);
            // an lse 4 bytes into its allocation: cuDNN writes an aligned copy, the backend moves it
            Tensor lse = ctx.allocate(DType.F32, 1 + 4 * 300).narrow(0, 1, 4 * 300).reshape(1, 4, 300);
            AttentionPlan all = AttentionPlan.BlockSparse.all(4, 300, 300, 64, 64);
            int before = ctx.sdpa().orElseThrow().plansBuilt();
            CudaBackend.create(ctx, DenseAttention.CUDNN).attention().attend(d.select(2, 0), d.select(2, 1), d.select(2, 2), all,
                    0.125f, got, lse);
            assertEquals(before + 1, ctx.sdpa().orElseThrow().plansBuilt(), "refusals: " + refusals());
            assertClose(want, down(a, got), 1e-3, 1e-2, "cuDNN on strided views");
            Tensor lseHost = zeros(a, 1, 4, 300);
            ctx.download(lse, lseHost);
            assertClose(lseWant, lseHost, 1e-2, 1e-3, "lse at an unaligned address");
            Tensor kernel = ctx.allocate(DType.F32, 1, 300, 4, 64);
            CudaBackend.create(ctx, DenseAttention.KERNEL).attention().attend(d.select(2, 0), d.select(2, 1), d.select(2, 2), all,
                    0.125f, kernel);
            assertEquals(before + 1, ctx.sdpa().orElseThrow().plansBuilt(), "KERNEL keeps dense work off cuDNN");
            assertClose(want, down(a, kernel), 1e-3, 1e-2, "the kernel on the same views");
        }
    }

    @Test
    void halfPrecisionSessionsAlsoRun() {
        try (Arena a = Arena.ofShared(); CudnnSdpa f16 = CudnnSdpa.open(ctx, DType.F16)) {
            Tensor q = random(a, r, 1, 150, 2, 64);
            Tensor k = random(a, r, 1, 90, 2, 64);
            Tensor v = random(a, r, 1, 90, 2, 64);
            Tensor want = zeros(a, 1, 150, 2, 64);
            Tensor lseWant = zeros(a, 1, 2, 150);
            cpu.backend().attention().attend(q, k, v, AttentionPlan.DENSE, 0.125f, want, lseWant);
            Tensor got = ctx.allocate(DType.F32, 1, 150, 2, 64);
            Tensor lse = ctx.allocate(DType.F32, 1, 2, 150);
            assertTrue(f16.attend(ctx.upload(q), ctx.upload(k), ctx.upload(v), 0.125f, got, lse), "refusals: " + f16.refusals());
            assertClose(want, down(a, got), 1e-3, 3e-3, "FP16 output");
            assertClose(lseWant, down(a, lse), 3e-3, 1e-3, "FP16 lse");
        }
    }

    @Test
    void sparsePlansStayOnTheKernel() {
        try (Arena a = Arena.ofShared()) {
            Tensor q = ctx.upload(random(a, r, 1, 256, 2, 64));
            Tensor out = ctx.allocate(DType.F32, 1, 256, 2, 64);
            byte[][] map = {{1, 0, 0, 0}, {1, 1, 0, 0}, {1, 1, 1, 0}, {1, 1, 1, 1}};
            jdit.attention.HeadBlocks causal = jdit.attention.HeadBlocks.fromMap(map);
            AttentionPlan plan = new AttentionPlan.BlockSparse(64, 64, 256, 256, java.util.List.of(causal, causal),
                    jdit.attention.ElementMask.ALL);
            int before = ctx.sdpa().orElseThrow().plansBuilt();
            CudaBackend.create(ctx, DenseAttention.CUDNN).attention().attend(q, q, q, plan, 0.125f, out);
            assertEquals(before, ctx.sdpa().orElseThrow().plansBuilt(), "a block-causal plan never reaches cuDNN");
        }
    }
}
