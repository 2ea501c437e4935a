package jdit.profile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import jdit.backend.Epilogue;
import jdit.backend.cpu.CpuBackend;
import jdit.backend.cpu.CpuGemm;
import jdit.backend.cpu.OpenBlas;
import jdit.tensor.DType;
import jdit.tensor.HalfFloats;
import jdit.tensor.Tensor;

/**
 * The CPU kernel benchmark: measures the ceilings, then gemm on the DiT-XL/2 shapes against the FMA ceiling and the
 * memory-bound ops against the copy bandwidth, all in one run, each kernel warmed up and repeated.
 */
public final class KernelBench {
    /** (K, N) of DiT-XL/2's products at hidden 1152: QKV, attention out, MLP up, MLP down. */
    static final int[][] DIT_SHAPES = {{1152, 3456}, {1152, 1152}, {1152, 4608}, {4608, 1152}};

    private final BenchOptions options;

    public KernelBench(BenchOptions options) {
        this.options = options;
    }

    @FunctionalInterface
    interface Body {
        void run();
    }

    /** Seconds of each of {@code reps} runs after three warm-up runs (the JIT compiles the kernels meanwhile). */
    static double[] time(int reps, Body body) {
        return time(3, reps, body);
    }

    /** {@code reps} timed runs after {@code warmups} untimed ones, sorted ascending (seconds). */
    static double[] time(int warmups, int reps, Body body) {
        for (int i = 0; i < warmups; i++) {
            body.run();
        }
        double[] s = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            body.run();
            s[i] = (System.nanoTime() - t0) * 1e-9;
        }
        Arrays.sort(s);
        return s;
    }

    /** A row from times: {@code work / time} is the rate in {@code unit}. */
    static BenchRow row(String op, String shape, String unit, double work, double[] sortedSeconds, String ceiling, double ceilingValue) {
        double median = work / sortedSeconds[sortedSeconds.length / 2];
        double best = work / sortedSeconds[0];
        return new BenchRow(op, shape, unit, median, best, ceiling, median / ceilingValue);
    }

    public BenchReport run() {
        try (CpuBackend blas = CpuBackend.create(options.threads(), true);
             CpuBackend vector = CpuBackend.create(options.threads(), false);
             jdit.backend.cpu.Parallel one = new jdit.backend.cpu.Parallel(1);
             Arena arena = Arena.ofShared()) {
            List<String> notes = new ArrayList<>();
            notes.add("gemm kernel: " + blas.gemmKernelDescription());
            String core = blas.openBlas().map(OpenBlas::corename).orElse("nothing");
            if (!options.openBlasEnvironment().isEmpty()) {
                boolean avx2Only = core.toLowerCase().contains("haswell") || core.toLowerCase().startsWith("zen");
                notes.add((avx2Only ? "warning: " : "note: ") + String.join(", ", options.openBlasEnvironment())
                        + " set in the environment; OpenBLAS chose " + core + " kernels" + (avx2Only
                        ? " (AVX2: half an AVX-512 core's FMA rate; the jdit launcher picks SkylakeX on AVX-512 CPUs)." : "."));
            }
            double fma1 = Ceilings.fmaGflops(one, 3, 20_000_000L);
            double fma = Ceilings.fmaGflops(blas.parallel(), 3, 20_000_000L);
            double copy = Ceilings.copyGbps(blas.parallel(), 256L << 20, 5);
            List<BenchRow> rows = new ArrayList<>();
            Random r = new Random(1);
            int m = options.gemmRows();
            for (int[] kn : DIT_SHAPES) {
                rows.addAll(gemmRows(arena, r, m, kn[0], kn[1], blas, vector, fma));
            }
            rows.addAll(memoryRows(arena, r, blas, copy));
            return new BenchReport(fma1, fma, copy, options.threads(), rows, notes);
        }
    }

    private List<BenchRow> gemmRows(Arena arena, Random r, int m, int k, int n, CpuBackend blas, CpuBackend vector, double fma) {
        Tensor a = fill(Tensor.allocate(arena, DType.F32, m, k), r);
        Tensor w = fill(Tensor.allocate(arena, DType.F32, n, k), r);
        Tensor bias = fill(Tensor.allocate(arena, DType.F32, n), r);
        Tensor out = Tensor.allocate(arena, DType.F32, m, n);
        double flops = 2.0 * m * n * k / 1e9;
        String shape = m + "x" + k + " · " + k + "x" + n;
        String ceiling = "FMA " + options.threads() + "T";
        List<BenchRow> rows = new ArrayList<>();
        CpuGemm g = blas.gemm();
        rows.add(row("gemm " + g.kernel().name().toLowerCase() + " (Linear, +bias)", shape, "GFLOP/s", flops,
                time(options.reps(), () -> g.matmul(a, w, out, Epilogue.linear(bias))), ceiling, fma));
        rows.add(row("gemm vector-api (Linear, +bias)", shape, "GFLOP/s", flops,
                time(Math.max(3, options.reps() / 2), () -> vector.gemm().matmul(a, w, out, Epilogue.linear(bias))), ceiling, fma));
        if (k == 1152 && n == 3456 && blas.openBlas().filter(OpenBlas::hasSbgemm).isPresent()) {
            OpenBlas ob = blas.openBlas().get();
            MemorySegment a16 = arena.allocate((long) m * k * 2, 64);
            MemorySegment w16 = arena.allocate((long) n * k * 2, 64);
            HalfFloats.f32ToBf16(a.data(), 0, a16, 0, (long) m * k);
            HalfFloats.f32ToBf16(w.data(), 0, w16, 0, (long) n * k);
            rows.add(row("sbgemm bf16 x bf16 (no epilogue)", shape, "GFLOP/s", flops,
                    time(options.reps(), () -> ob.sbgemm(true, m, n, k, 1f, a16, k, w16, k, 0f, out.data(), n)), ceiling, fma));
        }
        return rows;
    }

    private List<BenchRow> memoryRows(Arena arena, Random r, CpuBackend cpu, double copy) {
        int rows = options.normRows();
        int c = 1152;
        Tensor x = fill(Tensor.allocate(arena, DType.F32, rows, c), r);
        Tensor w = fill(Tensor.allocate(arena, DType.F32, c), r);
        Tensor b = fill(Tensor.allocate(arena, DType.F32, c), r);
        Tensor out = Tensor.allocate(arena, DType.F32, rows, c);
        double gb = 2.0 * rows * c * 4 / 1e9; // one read and one write of the activations
        String shape = rows + "x" + c;
        List<BenchRow> out2 = new ArrayList<>();
        out2.add(row("layer norm (affine)", shape, "GB/s", gb,
                time(options.reps(), () -> cpu.backend().norms().layerNorm(x, w, b, 1e-6f, out)), "copy", copy));
        out2.add(row("layer norm (no affine, DiT)", shape, "GB/s", gb,
                time(options.reps(), () -> cpu.backend().norms().layerNorm(x, null, null, 1e-6f, out)), "copy", copy));
        out2.add(row("softmax (scaled)", shape, "GB/s", gb,
                time(options.reps(), () -> cpu.backend().pointwise().softmax(x, 0.125f, out)), "copy", copy));
        Tensor h = Tensor.allocate(arena, DType.BF16, rows, c);
        x.copyTo(h);
        out2.add(row("bf16 -> f32 conversion", shape, "GB/s", 6.0 * rows * c / 1e9,
                time(options.reps(), () -> h.copyTo(out)), "copy", copy));
        Tensor f16 = Tensor.allocate(arena, DType.F16, rows, c);
        x.copyTo(f16);
        out2.add(row("f16 -> f32 conversion", shape, "GB/s", 6.0 * rows * c / 1e9,
                time(options.reps(), () -> f16.copyTo(out)), "copy", copy));
        return out2;
    }

    private static Tensor fill(Tensor t, Random r) {
        MemorySegment s = t.data();
        for (long i = 0; i < t.numel(); i++) {
            s.setAtIndex(jdit.backend.cpu.Layouts.F32, i, (float) r.nextGaussian());
        }
        return t;
    }
}
