package jdit.backend.cuda;

import java.util.Optional;
import jdit.attention.AttentionPlan;
import jdit.backend.Attention;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * Attention on the GPU: every plan runs on one block-sparse kernel, the twin of the CPU one (same plans, visit order,
 * online softmax, log-sum-exp and LiteAttention verdicts); dense attention is its all-tiles plan. Two variants:
 * {@code attention_bf16.cu} multiplies on the tensor cores with Q, K, V and P rounded to BF16 (the default), and
 * {@code attention.cu} computes in FP32 on the CUDA cores (the exact one). A CTA takes up to 64 query rows of a tile;
 * rows and key chunks shrink when a tile's scores would not fit the device's shared memory. Dense work on the BF16
 * variant goes to cuDNN's fused attention ({@link CudnnSdpa}) when {@link SdpaRoute} allows it and cuDNN has a plan
 * for the shape; everything else, and every failure to get cuDNN, runs the kernel.
 */
final class CudaAttention implements Attention {
    /** How the kernel multiplies. */
    enum Precision { BF16, F32 }

    /** Tile sides of the dense plan. */
    static final int DENSE_TILE = 64;
    private static final int THREADS = 256;
    private final CudaContext ctx;
    private final Precision precision;
    private final DenseAttention dense;
    private final DeviceScratch planBuffer;

    CudaAttention(CudaContext ctx, Precision precision, DenseAttention dense) {
        this.ctx = ctx;
        this.precision = precision;
        this.dense = dense;
        this.planBuffer = new DeviceScratch(ctx);
    }

    @Override
    public void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out, Tensor lse) {
        Attention.checkShapes(q, k, v, out, lse);
        Checks.onDevice(ctx, q, k, v, out, lse);
        Checks.f32(q, k, v, out, lse);
        for (Tensor t : new Tensor[] {q, k, v, out}) {
            if (t.stride(3) != 1) {
                throw new IllegalArgumentException("CUDA attention needs unit stride in D, got " + t);
            }
        }
        int batch = (int) q.dim(0);
        int tq = (int) q.dim(1);
        int tk = (int) k.dim(1);
        int heads = (int) q.dim(2);
        int d = (int) q.dim(3);
        if (SdpaRoute.refusal(plan, tq, tk, d, precision == Precision.BF16, ctx.computeMajor(), dense).isEmpty()) {
            Optional<CudnnSdpa> sdpa = ctx.sdpa();
            if (sdpa.isPresent() && sdpa.get().attend(q, k, v, scale, out, lse)) {
                return;
            }
        }
        AttentionPlan.BlockSparse p = switch (plan) {
            case AttentionPlan.BlockSparse sparse -> sparse;
            case AttentionPlan.Dense dense -> AttentionPlan.BlockSparse.all(heads, tq, tk, DENSE_TILE, DENSE_TILE);
        };
        if (p.queries() != tq || p.keys() != tk || p.heads().size() != heads) {
            throw new IllegalArgumentException("plan for " + p.heads().size() + " heads, " + p.queries() + " x " + p.keys()
                    + " tokens against q " + q.shape() + " and k " + k.shape());
        }
        DevicePlan dp = new DevicePlan(p, batch);
        Tensor buffer = planBuffer.get(DType.I32, Math.max(dp.words.length, 1024));
        byte[] struct = dp.upload(ctx, buffer, p);

        boolean tensorCores = precision == Precision.BF16;
        int least = tensorCores ? 16 : 8;
        int rows = Math.min(64, tensorCores ? (p.queryBlock() + 15) / 16 * 16 : p.queryBlock());
        int kc = 64;
        while (shared(tensorCores, rows, kc, d, p.keyBlock()) > ctx.maxSharedOptIn() && (rows > least || kc > least)) {
            if (rows > least) {
                rows /= 2;
            } else {
                kc /= 2;
            }
        }
        int chunks = (p.queryBlock() + rows - 1) / rows;
        int qTiles = (tq + p.queryBlock() - 1) / p.queryBlock();
        try (KernelArgs a = new KernelArgs()) {
            a.tensor(q).struct(Structs.operand(q)).tensor(k).struct(Structs.operand(k)).tensor(v).struct(Structs.operand(v))
                    .tensor(out).struct(Structs.operand(out)).tensor(lse).i32(tq).i32(tk).i32(heads).i32(d).f32(scale)
                    .struct(struct).i32(rows).i32(kc);
            ctx.launch(tensorCores ? ctx.function("attention_bf16.cu", "block_sparse_attention_bf16")
                    : ctx.function("attention.cu", "block_sparse_attention_f32"), qTiles * chunks, heads, batch, THREADS,
                    shared(tensorCores, rows, kc, d, p.keyBlock()), a);
        }
        dp.readDecisions(ctx, buffer, p, batch);
    }

    /**
     * Bytes of shared memory a kernel takes. FP32: Q and a K/V chunk padded to d + 1, the scores, O, four row vectors.
     * BF16: Q, a K/V chunk and P in BF16 with d padded to 16, then the scores, O and four row vectors in FP32.
     */
    static int shared(boolean tensorCores, int rows, int kc, int d, int keyBlock) {
        if (tensorCores) {
            int dp = (d + 15) / 16 * 16;
            return 2 * (rows * dp + kc * dp + rows * kc) + 4 * (rows * keyBlock + rows * dp + 4 * rows);
        }
        return 4 * (rows * (d + 1) + kc * (d + 1) + rows * keyBlock + rows * d + 4 * rows);
    }
}
