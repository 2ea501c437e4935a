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
import jdit.backend.cuda.DenseAttention;
import jdit.sampling.CounterNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * The GPU side of the attention benchmark: the ceilings measured in the same run (a large cuBLAS product in BF16 on
 * the tensor cores, and in TF32), then at Wan2.1's head shape dense attention through cuDNN's fused SDPA (F32 in and
 * out, so the BF16 roundings are counted) against the BF16 ceiling, the block-sparse kernel on its all-tiles plan
 * against cuDNN, and random plans keeping 50%, 25% and 10% of the tiles (the CPU benchmark's plans) as speed-up
 * against all tiles and as TFLOP/s on the kept tiles against cuDNN's dense rate (against the ceiling where cuDNN is
 * missing). Rates are medians of {@code reps} runs, each timed from launch to stream completion.
 */
public final class CudaAttentionBench {
    public record Options(int device, jdit.backend.cuda.CudaOptions cuda, int[] tokens, int heads, int headDim, int reps) {
    }

    /** The rows, and what the reader must know to read them (cuDNN's version or why it is absent). */
    public record Report(List<BenchRow> rows, List<String> notes) {
    }

    private CudaAttentionBench() {
    }

    public static Report run(Options o) {
        List<BenchRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (CudaContext ctx = CudaContext.open(o.device(), o.cuda()); Arena arena = Arena.ofShared()) {
            Backend kernel = CudaBackend.create(ctx, DenseAttention.KERNEL);
            Backend cudnn = CudaBackend.create(ctx, DenseAttention.CUDNN);
            Backend exact = CudaBackend.create(ctx, true);
            double bf16 = gemmRate(ctx, kernel, DType.BF16, 8192, o.reps());
            double tf32 = gemmRate(ctx, kernel, DType.F32, 8192, o.reps());
            rows.add(new BenchRow("cuBLAS gemm BF16 (ceiling)", "8192^3", "TFLOP/s", bf16, bf16, "BF16 gemm", 1));
            rows.add(new BenchRow("cuBLAS gemm TF32", "8192^3", "TFLOP/s", tf32, tf32, "BF16 gemm", tf32 / bf16));
            notes.add("dense attention: " + ctx.cudnnStatus());
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
                double dense = cudnnRate(ctx, cudnn, qkv, out, scale, tflop, shape, o.reps(), bf16, rows, notes);
                String base = dense > 0 ? "cuDNN dense" : "BF16 gemm";
                double baseRate = dense > 0 ? dense : bf16;
                AttentionPlan.BlockSparse all = AttentionPlan.BlockSparse.all(o.heads(), n, n, 128, 128);
                for (Backend b : new Backend[] {kernel, exact}) {
                    String name = b == kernel ? "bf16 mma" : "f32";
                    double[] allTimes = KernelBench.time(1, o.reps(), () -> {
                        b.attention().attend(qkv[0], qkv[1], qkv[2], all, scale, out);
                        ctx.synchronize();
                    });
                    rows.add(KernelBench.row("block-sparse " + name + ", all tiles", shape, "TFLOP/s", tflop, allTimes, "BF16 gemm", bf16));
                    if (b == kernel && dense > 0) {
                        rows.add(KernelBench.row("  all tiles against cuDNN", shape, "TFLOP/s", tflop, allTimes, base, baseRate));
                    }
                    double allMedian = allTimes[allTimes.length / 2];
                    for (double density : new double[] {0.5, 0.25, 0.1}) {
                        AttentionPlan.BlockSparse plan = AttentionBench.randomPlan(o.heads(), n, density, new Random(7));
                        double[] t = KernelBench.time(1, o.reps(), () -> {
                            b.attention().attend(qkv[0], qkv[1], qkv[2], plan, scale, out);
                            ctx.synchronize();
                        });
                        double speedup = allMedian / t[t.length / 2];
                        rows.add(new BenchRow(String.format("block-sparse %s, %.0f%% of tiles", name, 100 * plan.density()), shape,
                                "x faster", speedup, allMedian / t[0], "1/density", speedup * plan.density()));
                        rows.add(KernelBench.row(String.format("  kept tiles, %.0f%%", 100 * plan.density()), shape, "TFLOP/s",
                                tflop * plan.density(), t, b == kernel ? base : "BF16 gemm", b == kernel ? baseRate : bf16));
                    }
                }
                for (Tensor t : new Tensor[] {qkv[0], qkv[1], qkv[2], out}) {
                    ctx.free(t);
                }
            }
            notes.add("kept-tile rates of the bf16 kernel are fractions of cuDNN's dense rate at the same shape (target: at least"
                    + " 0.5), or of the BF16 gemm where cuDNN did not run");
        }
        return new Report(rows, notes);
    }

    /** cuDNN's dense TFLOP/s at this shape (a row is added), or 0 with a note when cuDNN is absent or refuses it. */
    private static double cudnnRate(CudaContext ctx, Backend cudnn, Tensor[] qkv, Tensor out, float scale, double tflop, String shape,
                                    int reps, double bf16, List<BenchRow> rows, List<String> notes) {
        if (!ctx.cudnnAvailable()) {
            return 0;
        }
        int refusedBefore = ctx.cudnnRefusals().size();
        double[] t = KernelBench.time(1, reps, () -> {
            cudnn.attention().attend(qkv[0], qkv[1], qkv[2], AttentionPlan.DENSE, scale, out);
            ctx.synchronize();
        });
        if (ctx.cudnnRefusals().size() > refusedBefore) {
            notes.add("cuDNN refused " + shape + ": " + ctx.cudnnRefusals().get(ctx.cudnnRefusals().size() - 1));
            return 0;
        }
        BenchRow row = KernelBench.row("cuDNN SDPA dense (F32 in/out)", shape, "TFLOP/s", tflop, t, "BF16 gemm", bf16);
        rows.add(row);
        return row.median();
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

    public static String render(Report report) {
        StringBuilder s = new StringBuilder(String.format("%-34s %-22s %10s %10s  %s%n", "kernel", "shape", "median", "best",
                "fraction"));
        for (BenchRow r : report.rows()) {
            s.append(String.format("%-34s %-22s %10.2f %10.2f  %.2f of %s (%s)%n", r.op(), r.shape(), r.median(), r.best(),
                    r.fraction(), r.ceiling(), r.unit()));
        }
        for (String note : report.notes()) {
            s.append("note: ").append(note).append(System.lineSeparator());
        }
        return s.toString();
    }
}
