package jdit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The base-2 softmax pieces of the attention kernel against double-precision recomputations. */
class TileSoftmaxTest {
    @Test
    void exp2IsWithinAFewUlpAndExactlyZeroBelowTheNormalRange() {
        float[] in = new float[16];
        float[] out = new float[16];
        double worst = 0;
        for (float x = -126f; x <= 0f; x += 0.0071f) {
            for (int i = 0; i < 16; i++) {
                in[i] = Math.min(0f, x + i * 0.0004f);
            }
            TileSoftmax.exp2(FloatVector.fromArray(FloatVector.SPECIES_512, in, 0)).intoArray(out, 0);
            for (int i = 0; i < 16; i++) {
                double want = Math.pow(2, in[i]);
                worst = Math.max(worst, Math.abs(out[i] - want) / Math.ulp((float) want));
            }
        }
        assertTrue(worst <= 4.0, "worst error " + worst + " ulp");
        float[] tiny = {Float.NEGATIVE_INFINITY, -1e30f, -200f, -127.6f, -127f, 0f, -1f, -0.5f, -126f, -3.25f, -64f, -100f,
                -20f, -1e-7f, -126.4f, -127.4f};
        TileSoftmax.exp2(FloatVector.fromArray(FloatVector.SPECIES_512, tiny, 0)).intoArray(out, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(0f, out[i], "2^" + tiny[i]);
        }
        assertEquals(1f, out[5]);
        assertEquals(0.5f, out[6]);
        assertEquals(0f, out[15], "2^-127.4 rounds to 2^-127, the zero exponent");
    }

    @Test
    void rowUpdatesMatchADoubleSoftmaxOverTheWholeRow() {
        Random r = new Random(5);
        int tiles = 5;
        int n = 48;
        float[][] scores = new float[tiles][n];
        for (float[] tile : scores) {
            for (int j = 0; j < n; j++) {
                tile[j] = r.nextFloat() < 0.1f ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * 6);
            }
        }
        scores[3][7] = 40f; // a late, larger maximum rescales what came before
        float[] m = {Float.NEGATIVE_INFINITY};
        float[] sums = new float[16];
        double[] weights = new double[tiles * n]; // each probability times the product of the later factors
        for (int t = 0; t < tiles; t++) {
            float[] s = scores[t].clone();
            float alpha = TileSoftmax.update(s, 0, n, TileSoftmax.rowMax(s, 0, n), m, sums, 0);
            for (int k = 0; k < t * n; k++) {
                weights[k] *= alpha;
            }
            for (int j = 0; j < n; j++) {
                weights[t * n + j] = s[j];
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float[] tile : scores) {
            for (float v : tile) {
                max = Math.max(max, v);
            }
        }
        assertEquals(max, m[0], 0.0);
        double total = 0;
        for (float[] tile : scores) {
            for (float v : tile) {
                total += Math.pow(2, v - max);
            }
        }
        assertEquals(total, TileSoftmax.rowSum(sums, 0), 1e-5 * total);
        for (int t = 0; t < tiles; t++) {
            for (int j = 0; j < n; j++) {
                assertEquals(Math.pow(2, scores[t][j] - max), weights[t * n + j], 1e-6, "tile " + t + " score " + j);
            }
        }
    }
}
