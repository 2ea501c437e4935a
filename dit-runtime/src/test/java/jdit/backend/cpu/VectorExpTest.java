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
}
