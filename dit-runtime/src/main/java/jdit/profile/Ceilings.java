package jdit.profile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdit.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's ceilings, measured in the same run as the kernels they judge: the fp32 FMA peak and the memory
 * copy bandwidth. On this CPU the theoretical FMA peak is 2 cores x 2 pipes x 16 lanes x 2 flops x 3.6 GHz = 461
 * GFLOP/s; the loop here reaches it when the machine is quiet.
 */
public final class Ceilings {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int CHAINS = 12;

    private Ceilings() {
    }

    /** Peak fp32 GFLOP/s with all of {@code parallel}'s threads running independent FMA chains; best of {@code reps}. */
    public static double fmaGflops(Parallel parallel, int reps, long iterationsPerThread) {
        fmaLoop(0.5f, iterationsPerThread / 10); // JIT warm-up
        double best = 0;
        for (int r = 0; r < reps; r++) {
            double[] sink = new double[parallel.threads()];
            long t0 = System.nanoTime();
            parallel.forEach(parallel.threads(), t -> sink[t] = fmaLoop(0.5f + t, iterationsPerThread));
            double s = (System.nanoTime() - t0) * 1e-9;
            if (Double.isNaN(sink[0])) {
                throw new IllegalStateException("FMA loop produced NaN");
            }
            best = Math.max(best, parallel.threads() * iterationsPerThread * CHAINS * S.length() * 2.0 / s / 1e9);
        }
        return best;
    }

    /** 12 independent accumulator chains, seeded differently so the JIT cannot merge them; returns their sum. */
    static double fmaLoop(float seed, long iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector add = FloatVector.broadcast(S, 1e-7f * seed);
        FloatVector a0 = FloatVector.broadcast(S, seed), a1 = FloatVector.broadcast(S, seed + 1);
        FloatVector a2 = FloatVector.broadcast(S, seed + 2), a3 = FloatVector.broadcast(S, seed + 3);
        FloatVector a4 = FloatVector.broadcast(S, seed + 4), a5 = FloatVector.broadcast(S, seed + 5);
        FloatVector a6 = FloatVector.broadcast(S, seed + 6), a7 = FloatVector.broadcast(S, seed + 7);
        FloatVector a8 = FloatVector.broadcast(S, seed + 8), a9 = FloatVector.broadcast(S, seed + 9);
        FloatVector a10 = FloatVector.broadcast(S, seed + 10), a11 = FloatVector.broadcast(S, seed + 11);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, add);
            a1 = a1.fma(m, add);
            a2 = a2.fma(m, add);
            a3 = a3.fma(m, add);
            a4 = a4.fma(m, add);
            a5 = a5.fma(m, add);
            a6 = a6.fma(m, add);
            a7 = a7.fma(m, add);
            a8 = a8.fma(m, add);
            a9 = a9.fma(m, add);
            a10 = a10.fma(m, add);
            a11 = a11.fma(m, add);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Copy bandwidth in GB/s counting bytes read plus bytes written (the way the memory-bound kernels are counted),
     * copying {@code bytes} between two off-heap buffers that are touched before timing; best of {@code reps}.
     */
    public static double copyGbps(Parallel parallel, long bytes, int reps) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(bytes, 64);
            MemorySegment dst = arena.allocate(bytes, 64);
            src.fill((byte) 1);
            dst.fill((byte) 2);
            int parts = parallel.threads();
            long chunk = bytes / parts / 64 * 64;
            double best = 0;
            for (int r = 0; r < reps + 1; r++) {
                long t0 = System.nanoTime();
                parallel.forEach(parts, p -> {
                    long off = p * chunk;
                    long len = p == parts - 1 ? bytes - off : chunk;
                    MemorySegment.copy(src, off, dst, off, len);
                });
                double s = (System.nanoTime() - t0) * 1e-9;
                if (r > 0) {
                    best = Math.max(best, 2.0 * bytes / s / 1e9);
                }
            }
            return best;
        }
    }
}
