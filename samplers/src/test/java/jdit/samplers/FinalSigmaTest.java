package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import jdit.backend.Backends;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The last sigma is 0, so its log-SNR is +infinity: the multistep solvers must take that limit in IEEE arithmetic
 * (expm1(-inf) = -1) and return the data prediction exactly, never NaN.
 */
class FinalSigmaTest {
    @Test
    void theFinalStepReturnsTheDataPrediction() {
        for (String name : new String[] {"dpmpp-2m", "unipc", "flow-unipc", "flow-dpmpp"}) {
            boolean flow = name.startsWith("flow");
            Sampler s = Samplers.byName(name).create(SamplerConfig.linear(4).withShift(5));
            assertEquals(0, s.sigmas()[4], 0, name);
            try (Arena a = Arena.ofShared()) {
                Tensor x = Tensor.fromFloats(a, new float[] {0.3f, -1.2f, 2.5f}, 1, 3);
                Tensor out = Tensor.fromFloats(a, new float[] {0.1f, 0.4f, -0.7f}, 1, 3);
                var noise = new jdit.sampling.CounterNoise(1);
                var state = new jdit.tensor.Workspace();
                for (int i = 0; i < 3; i++) {
                    s.step(out, i, x, noise, Backends.reference(), state);
                }
                double sigma = s.sigmas()[3];
                double alpha = flow ? 1 : 1 / Math.sqrt(sigma * sigma + 1);
                double[] before = x.toDoubleArray();
                // the corrector (UniPC) changes x at the last step before the predictor; the predictor then returns m
                s.step(out, 3, x, noise, Backends.reference(), state);
                for (int j = 0; j < 3; j++) {
                    assertTrue(Double.isFinite(x.getDoubleAt(j)), name);
                }
                if (name.contains("dpmpp")) {
                    for (int j = 0; j < 3; j++) {
                        double m = before[j] / alpha - sigma * out.getDoubleAt(j);
                        assertEquals(m, x.getDoubleAt(j), 1e-6 * Math.max(1, Math.abs(m)), name + " element " + j); // float32 rounding
                    }
                }
            }
        }
    }
}
