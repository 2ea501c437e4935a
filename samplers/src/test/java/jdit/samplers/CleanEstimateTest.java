package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.foreign.Arena;
import jdit.backend.cpu.CpuBackend;
import jdit.sampling.CounterNoise;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The clean-sample estimate previews decode: a first-order step onto noise level zero lands exactly on the clean
 * estimate, so at the last step of each deterministic first-order sampler {@code cx·x + ce·prediction} must equal
 * what the step itself produces.
 */
class CleanEstimateTest {
    private static void lastStepLandsOnTheEstimate(Sampler s, long outChannels) {
        try (CpuBackend cpu = CpuBackend.create(1, false); Arena arena = Arena.ofConfined()) {
            int last = s.timesteps().length - 1;
            Tensor x = Tensor.allocate(arena, DType.F32, 1, 4, 3, 5);
            Tensor out = Tensor.allocate(arena, DType.F32, 1, outChannels, 3, 5);
            new CounterNoise(1).next(x);
            new CounterNoise(2).next(out);
            double[] c = s.cleanEstimate(last);
            assertNotNull(c);
            double[] expected = new double[(int) x.numel()];
            Tensor eps = out.narrow(1, 0, 4);
            for (int i = 0; i < expected.length; i++) {
                long[] idx = {0, i / 15, i / 5 % 3, i % 5};
                expected[i] = c[0] * x.getDoubleAt(i) + c[1] * eps.getDouble(idx);
            }
            for (int i = 0; i < last; i++) {
                s.cleanEstimate(i); // every step answers; multistep samplers step through their history
            }
            s.step(out, last, x, new CounterNoise(3), cpu.backend(), new jdit.tensor.Workspace());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], x.getDoubleAt(i), 1e-5 * Math.max(1, Math.abs(expected[i])), "element " + i);
            }
        }
    }

    @Test
    void ddimEulerFlowEulerAndDitsDdpmLandOnTheirEstimate() {
        SamplerConfig dit = SamplerDefaults.dit().config().withSteps(4);
        lastStepLandsOnTheEstimate(Samplers.byName("ddim").create(dit.withLearnedVariance(false)), 4);
        lastStepLandsOnTheEstimate(Samplers.byName("ddim").create(dit.withLearnedVariance(true)), 8);
        lastStepLandsOnTheEstimate(Samplers.byName("ddpm").create(dit.withLearnedVariance(true)), 8);
        lastStepLandsOnTheEstimate(Samplers.byName("euler").create(SamplerConfig.linear(4)), 4);
        lastStepLandsOnTheEstimate(Samplers.byName("flow-euler").create(SamplerConfig.linear(4).withShift(5)), 4);
    }
}
