package jdit.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The flash-attention row update in base 2: the kernel scales Q by scale·log2(e), so a score row s holds
 * log2-units and its probabilities are 2^(s − m). With the row's running maximum m and sum l, the tile's scores
 * become p = 2^(s − m'), m' = max(m, max s), and the row's output so far must be scaled by the returned 2^(m − m').
 * Masked scores are −inf and give exactly 0; a row with nothing unmasked yet stays at (−inf, 0).
 */
final class TileSoftmax {
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_512;
    private static final double LN2 = Math.log(2);
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    // Taylor coefficients of 2^f = e^(f ln 2); degree 6 leaves 1.2e-7 relative error for |f| <= 1/2
    private static final float C1 = (float) LN2;
    private static final float C2 = (float) (LN2 * LN2 / 2);
    private static final float C3 = (float) (LN2 * LN2 * LN2 / 6);
    private static final float C4 = (float) (Math.pow(LN2, 4) / 24);
    private static final float C5 = (float) (Math.pow(LN2, 5) / 120);
    private static final float C6 = (float) (Math.pow(LN2, 6) / 720);

    private TileSoftmax() {
    }

    /**
     * Updates row {@code i}'s running maximum {@code m[i]} and its sum, kept as 16 lane partial sums at
     * {@code sums[16·i ..]} (one reduction per row at the end instead of one per tile), from the n scores at
     * {@code s[off ..]}, which become the probabilities; returns the factor for the row's output so far (0 when it
     * had none, 1 when the maximum stayed).
     */
    static float update(float[] s, int off, int n, float max, float[] m, float[] sums, int i) {
        float mOld = m[i];
        float mNew = Math.max(mOld, max);
        if (mNew == Float.NEGATIVE_INFINITY) {
            Arrays.fill(s, off, off + n, 0f); // nothing to attend to yet: the tile adds nothing
            return 1f;
        }
        FloatVector top = FloatVector.broadcast(SP, mNew);
        FloatVector sum = FloatVector.zero(SP);
        for (int j = 0; j < n; j += SP.length()) {
            FloatVector p = exp2(FloatVector.fromArray(SP, s, off + j).sub(top));
            p.intoArray(s, off + j);
            sum = sum.add(p);
        }
        float alpha = mOld == mNew ? 1f
                : mOld == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp((mOld - (double) mNew) * LN2);
        int lanes = i * SP.length();
        FloatVector.fromArray(SP, sums, lanes).mul(FloatVector.broadcast(SP, alpha)).add(sum).intoArray(sums, lanes);
        m[i] = mNew;
        return alpha;
    }

    /** Row i's sum: its 16 partial sums added left to right. */
    static double rowSum(float[] sums, int i) {
        double total = 0;
        for (int lane = 0, at = i * SP.length(); lane < SP.length(); lane++) {
            total += sums[at + lane];
        }
        return total;
    }

    /** The largest of 16 lane maxima. */
    static float lanesMax(float[] lanes, int off) {
        return FloatVector.fromArray(SP, lanes, off).reduceLanes(VectorOperators.MAX); // exact in any order
    }

    /** The largest of the n scores at {@code s[off ..]} (−inf for none; n a multiple of 16). */
    static float rowMax(float[] s, int off, int n) {
        FloatVector max = FloatVector.broadcast(SP, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += SP.length()) {
            max = max.max(FloatVector.fromArray(SP, s, off + j));
        }
        return max.reduceLanes(VectorOperators.MAX); // exact in any order
    }

    /**
     * 2^x for x <= 0 (−inf included): x = n + f with n = round(x), 2^f by its Taylor polynomial, 2^n through the
     * exponent bits, taken from the rounding sum's own bits (the softmax measured 4x faster than with a float-to-int
     * conversion here). Below −127 the exponent field is 0 and the result exactly 0.
     */
    static FloatVector exp2(FloatVector x) {
        FloatVector xc = x.max(-127f);
        // adding 1.5·2^23 rounds to the nearest integer, which then sits in the low bits of the mantissa
        FloatVector shifted = xc.add(ROUND);
        FloatVector f = xc.sub(shifted.sub(ROUND));
        FloatVector p = FloatVector.broadcast(SP, C6);
        p = p.fma(f, FloatVector.broadcast(SP, C5));
        p = p.fma(f, FloatVector.broadcast(SP, C4));
        p = p.fma(f, FloatVector.broadcast(SP, C3));
        p = p.fma(f, FloatVector.broadcast(SP, C2));
        p = p.fma(f, FloatVector.broadcast(SP, C1));
        p = p.fma(f, FloatVector.broadcast(SP, 1f));
        IntVector bits = shifted.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
