package jdit.profile;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.backend.cpu.CpuBackend;
import jdit.sampling.CounterNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * The attention kernels at Wan2.1's head shape (12 heads x 128) for given token counts: the dense path, the
 * block-sparse kernel with every tile (its dense plan), and block plans keeping 50%, 25% and 10% of the key tiles of
 * every query tile (chosen at random per head and row, 128 x 128 tiles), each against the FMA ceiling measured in the
 * same run; a sparse plan's ideal is (all-blocks time) x density.
 */
public final class AttentionBench {
    public record Options(int[] tokens, int heads, int headDim, int reps, int threads) {
    }

    private AttentionBench() {
    }

    public static BenchReport run(Options o) {
        try (CpuBackend cpu = CpuBackend.create(o.threads(), true); Arena arena = Arena.ofShared()) {
            double fma = Ceilings.fmaGflops(cpu.parallel(), 3, 20_000_000L);
            List<BenchRow> rows = new ArrayList<>();
            String ceiling = "FMA " + o.threads() + "T";
            for (int n : o.tokens()) {
                Tensor q = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
                Tensor k = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
                Tensor v = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
                Tensor out = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
                new CounterNoise(1).next(q);
                new CounterNoise(2).next(k);
                new CounterNoise(3).next(v);
                float scale = (float) (1 / Math.sqrt(o.headDim()));
                double gflop = 4.0 * n * (double) n * o.heads() * o.headDim() / 1e9;
                String shape = n + " tokens, " + o.heads() + "x" + o.headDim();
                double[] dense = KernelBench.time(o.reps(), () -> cpu.backend().attention().attend(q, k, v, AttentionPlan.DENSE, scale, out));
                rows.add(KernelBench.row("attention dense", shape, "GFLOP/s", gflop, dense, ceiling, fma));
                AttentionPlan.BlockSparse all = AttentionPlan.BlockSparse.all(o.heads(), n, n, 128, 128);
                double[] allTimes = KernelBench.time(o.reps(), () -> cpu.backend().attention().attend(q, k, v, all, scale, out));
                rows.add(KernelBench.row("block-sparse, all tiles", shape, "GFLOP/s", gflop, allTimes, ceiling, fma));
                double allMedian = allTimes[allTimes.length / 2];
                for (double density : new double[] {0.5, 0.25, 0.1}) {
                    AttentionPlan.BlockSparse plan = randomPlan(o.heads(), n, density, new Random(7));
                    double[] t = KernelBench.time(o.reps(), () -> cpu.backend().attention().attend(q, k, v, plan, scale, out));
                    double speedup = allMedian / t[t.length / 2];
                    rows.add(new BenchRow(String.format("block-sparse, %.0f%% of tiles", 100 * plan.density()), shape, "x faster",
                            speedup, allMedian / t[0], "1/density", speedup * plan.density()));
                }
            }
            return new BenchReport(fma / o.threads(), fma, 0, o.threads(), rows,
                    List.of("sparse rows: speed-up against the all-tiles plan; ratio = speed-up x density (1.0 is ideal)"));
        }
    }

    /** Per head and query tile, round(density x tiles) key tiles drawn at random (at least one). */
    static AttentionPlan.BlockSparse randomPlan(int heads, int n, double density, Random r) {
        int blocks = (n + 127) / 128;
        int keep = Math.max(1, (int) Math.round(density * blocks));
        List<HeadBlocks> hs = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            byte[][] kind = new byte[blocks][blocks];
            for (int row = 0; row < blocks; row++) {
                List<Integer> cols = new ArrayList<>();
                for (int c = 0; c < blocks; c++) {
                    cols.add(c);
                }
                java.util.Collections.shuffle(cols, r);
                for (int i = 0; i < keep; i++) {
                    kind[row][cols.get(i)] = 1;
                }
            }
            hs.add(HeadBlocks.fromMap(kind));
        }
        return new AttentionPlan.BlockSparse(128, 128, n, n, hs, ElementMask.ALL);
    }
}
