package jdit.profile;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jdit.attention.AttentionPlan;
import jdit.backend.Backend;
import jdit.backend.Epilogue;
import jdit.backend.cuda.CudaBackend;
import jdit.backend.cuda.CudaContext;
import jdit.sampling.CounterNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * The GPU side of the attention benchmark: the ceilings measured in the same run (a large cuBLAS product in BF16 on
 * the tensor cores, and in TF32), then the block-sparse kernel at Wan2.1's head shape with every tile and with random
 * plans keeping 50%, 25% and 10% of the tiles (the CPU benchmark's plans), as TFLOP/s on the kept tiles and speed-up
 * against all tiles. Rates are medians of {@code reps} runs, each timed from launch to stream completion.
 */
public final class CudaAttentionBench {
    public record Options(int device, jdit.backend.cuda.CudaOptions cuda, int[] tokens, int heads, int headDim, int reps) {
    }

    private CudaAttentionBench() {
    }

    public static List<BenchRow> run(Options o) {
        List<BenchRow> rows = new ArrayList<>();
        try (CudaContext ctx = CudaContext.open(o.device(), o.cuda()); Arena arena = Arena.ofShared()) {
            Backend gpu = CudaBackend.create(ctx);
            Backend exact = CudaBackend.create(ctx, true);
            double bf16 = gemmRate(ctx, gpu, DType.BF16, 8192, o.reps());
            double tf32 = gemmRate(ctx, gpu, DType.F32, 8192, o.reps());
            rows.add(new BenchRow("cuBLAS gemm BF16 (ceiling)", "8192^3", "TFLOP/s", bf16, bf16, "BF16 gemm", 1));
            rows.add(new BenchRow("cuBLAS gemm TF32", "8192^3", "TFLOP/s", tf32, tf32, "BF16 gemm", tf32 / bf16));
            for (int n : o.tokens()) {
                Tensor[] qkv = new Tensor[3];
                for (int i = 0; i < 3; i++) {
                    Tensor host = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
                    new CounterNoise(i + 1).next(host);
                    qkv[i] = ctx.upload(host);
                }
                Tensor out = ctx.allocate(DType.F32, 1, n, o.heads(), o.headDim());
                float scale = (float) (1 / Math.sqrt(o.headDim()));
                double tflop = 4.0 * n * (double) n * o.heads() * o.headDim() / 1e12;
                String shape = n + " tokens, " + o.heads() + "x" + o.headDim();
                AttentionPlan.BlockSparse all = AttentionPlan.BlockSparse.all(o.heads(), n, n, 128, 128);
                for (Backend b : new Backend[] {gpu, exact}) {
                    String kernel = b == gpu ? "bf16 mma" : "f32";
                    double[] allTimes = KernelBench.time(1, o.reps(), () -> {
                        b.attention().attend(qkv[0], qkv[1], qkv[2], all, scale, out);
                        ctx.synchronize();
                    });
                    rows.add(KernelBench.row("block-sparse " + kernel + ", all tiles", shape, "TFLOP/s", tflop, allTimes, "BF16 gemm", bf16));
                    double allMedian = allTimes[allTimes.length / 2];
                    for (double density : new double[] {0.5, 0.25, 0.1}) {
                        AttentionPlan.BlockSparse plan = AttentionBench.randomPlan(o.heads(), n, density, new Random(7));
                        double[] t = KernelBench.time(1, o.reps(), () -> {
                            b.attention().attend(qkv[0], qkv[1], qkv[2], plan, scale, out);
                            ctx.synchronize();
                        });
                        double speedup = allMedian / t[t.length / 2];
                        rows.add(new BenchRow(String.format("block-sparse %s, %.0f%% of tiles", kernel, 100 * plan.density()), shape,
                                "x faster", speedup, allMedian / t[0], "1/density", speedup * plan.density()));
                        rows.add(KernelBench.row(String.format("  kept tiles, %.0f%%", 100 * plan.density()), shape, "TFLOP/s",
                                tflop * plan.density(), t, "BF16 gemm", bf16));
                    }
                }
            }
        }
        return rows;
    }

    /** TFLOP/s of an n^3 product with weights of {@code type}, median of reps. */
    private static double gemmRate(CudaContext ctx, Backend gpu, DType type, int n, int reps) {
        Tensor a = ctx.allocate(DType.F32, n, n);
        Tensor b = ctx.allocate(type, n, n);
        Tensor c = ctx.allocate(DType.F32, n, n);
        gpu.memory().fill(a, 0.01f);
        Tensor b32 = ctx.allocate(DType.F32, n, n);
        gpu.memory().fill(b32, 0.02f);
        gpu.memory().copy(b32, b);
        double[] t = KernelBench.time(2, reps, () -> {
            gpu.gemm().matmul(a, b, c, Epilogue.NONE);
            ctx.synchronize();
        });
        for (Tensor x : new Tensor[] {a, b, c, b32}) {
            ctx.free(x);
        }
        return 2.0 * n * (double) n * n / 1e12 / t[t.length / 2];
    }

    public static String render(List<BenchRow> rows) {
        StringBuilder s = new StringBuilder(String.format("%-34s %-22s %10s %10s  %s%n", "kernel", "shape", "median", "best",
                "fraction"));
        for (BenchRow r : rows) {
            s.append(String.format("%-34s %-22s %10.2f %10.2f  %.2f of %s (%s)%n", r.op(), r.shape(), r.median(), r.best(),
                    r.fraction(), r.ceiling(), r.unit()));
        }
        return s.toString();
    }
}
