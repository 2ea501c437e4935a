package jdit.sampling;

import jdit.tensor.Tensor;

/**
 * The seeded generator: draw d, element i is a pure function of (seed, d, i) (SplitMix64 of a counter, then
 * Box-Muller), so the same seed gives the same values whatever the thread count or the way a tensor is split.
 */
public final class CounterNoise implements NoiseSource {
    private final long seed;
    private long draw;

    public CounterNoise(long seed) {
        this.seed = seed;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Element {@code i} of draw {@code d}. */
    public double value(long d, long i) {
        long base = mix(seed * 0x9e3779b97f4a7c15L + d * 0xd1b54a32d192ed03L) + 2 * i;
        double u1 = ((mix(base) >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (mix(base + 1) >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public synchronized void next(Tensor out) {
        long d = draw++;
        for (long i = 0; i < out.numel(); i++) {
            out.setDoubleAt(i, value(d, i));
        }
    }
}
