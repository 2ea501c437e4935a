package jdit.profile;

import java.util.List;

/**
 * What the kernel benchmark runs: thread count, repetitions per kernel (the median and best are reported), the
 * rows M of the DiT-shaped products, the rows of the memory-bound ops, and any environment overrides of OpenBLAS
 * the caller found (reported as a warning, never changed).
 */
public record BenchOptions(int threads, int reps, int gemmRows, int normRows, List<String> openBlasEnvironment) {
    public BenchOptions {
        if (threads < 1 || reps < 1 || gemmRows < 1 || normRows < 1) {
            throw new IllegalArgumentException("bench options must be positive: " + threads + " threads, " + reps + " reps");
        }
        openBlasEnvironment = List.copyOf(openBlasEnvironment);
    }

    /** The setting: M = 4096 (DiT-XL/2 at 512 px has 1024 tokens x CFG batch 4), norms over 16384 rows. */
    public static BenchOptions defaults(int threads) {
        return new BenchOptions(threads, 7, 4096, 16384, List.of());
    }
}
