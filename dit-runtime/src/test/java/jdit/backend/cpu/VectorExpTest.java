package jdit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector exp against Math.exp in double over the whole range softmax feeds it (x <= 0) and beyond. */
class VectorExpTest {
    @Test
    void withinTwoUlpOfMathExp() {
        float[] in = new float[16];
        float[] out = new float[16];
        double worst = 0;
        for (float x = -87f; x < 88f; x += 0.0137f) {
            for (int i = 0; i < 16; i++) {
                in[i] = x + i * 0.0009f;
            }
            VectorExp.exp(FloatVector.fromArray(FloatVector.SPECIES_512, in, 0)).intoArray(out, 0);
            for (int i = 0; i < 16; i++) {
                double want = Math.exp(in[i]);
                double ulps = Math.abs(out[i] - want) / Math.ulp((float) want);
                worst = Math.max(worst, ulps);
            }
        }
        assertTrue(worst <= 2.0, "worst error " + worst + " ulp");
    }

    @Test
    void tanhIsCloseToMathTanhAndOdd() {
        float[] in = new float[16];
        float[] out = new float[16];
        double worstUlp = 0;
        for (float x = -12f; x < 12f; x += 0.00731f) {
            for (int i = 0; i < 16; i++) {
                in[i] = x + i * 0.0003f;
            }
            VectorExp.tanh(FloatVector.fromArray(FloatVector.SPECIES_512, in, 0)).intoArray(out, 0);
            for (int i = 0; i < 16; i++) {
                double want = Math.tanh(in[i]);
                worstUlp = Math.max(worstUlp, Math.abs(out[i] - want) / Math.ulp((float) want));
            }
        }
        assertTrue(worstUlp <= 8.0, "worst error " + worstUlp + " ulp");
        float[] tiny = {1e-30f, -1e-20f, 1e-8f, -1e-4f, 0f, 0.2999f, 0.3f, -0.3001f, 50f, -50f, 89f, -89f, 1e30f, -1e30f, 7f, -7f};
        VectorExp.tanh(FloatVector.fromArray(FloatVector.SPECIES_512, tiny, 0)).intoArray(out, 0);
        for (int i = 0; i < 16; i++) {
            double want = Math.tanh(tiny[i]);
            assertTrue(Math.abs(out[i] - want) <= 8 * Math.ulp((float) want) + Float.MIN_VALUE, tiny[i] + " -> " + out[i]);
        }
    }
}
