package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Random;
import jdit.backend.Backend;
import jdit.backend.Backends;
import jdit.io.safetensors.SafetensorsReader;
import jdit.sampling.BetaSchedule;
import jdit.sampling.CounterNoise;
import jdit.sampling.NoiseSource;
import jdit.sampling.SamplerConfig;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.Test;

/** DiT's own DDPM: fixed_small against diffusers' 1000-step trajectory, learned range against its two limits. */
class IddpmSamplerTest {
    private final Backend be = Backends.reference();
    private final Workspace ws = new Workspace();
    private static final double[] BETAS = BetaSchedule.LINEAR.betas(1000, 1e-4, 0.02);

    @Test
    void fixedSmallOverTheFullProcessIsDiffusersDdpm() {
        Path f = Path.of(System.getProperty("jdit.golden", "../testdata/golden")).resolve("sched/ddpm_1000_fixedsmall.safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(f); Arena a = Arena.ofShared()) {
            IddpmSampler s = new IddpmSampler(Respacing.of(BETAS, "1000"), IddpmSampler.Variance.FIXED_SMALL);
            assertArrayEquals(r.tensor("timesteps").toDoubleArray(), s.timesteps(), 0);
            Tensor xs = r.tensor("xs");
            Tensor noise = r.tensor("noise"); // 999 draws: diffusers draws none at t = 0, DiT draws one and drops it
            Tensor x = Tensor.allocate(a, DType.F32, 1, 4, 6, 6);
            r.tensor("x0_noise").copyTo(x);
            int[] next = {0};
            NoiseSource replay = out -> {
                if (next[0] < noise.dim(0)) {
                    noise.select(0, next[0]++).copyTo(out);
                }
            };
            Tensor eps = Tensor.allocate(a, DType.F32, 1, 4, 6, 6);
            for (int i = 0; i < 1000; i++) {
                double ab = 1;
                for (int k = 0; k <= (int) s.timesteps()[i]; k++) {
                    ab *= 1 - BETAS[k];
                }
                for (long j = 0; j < x.numel(); j++) {
                    double v = x.getDoubleAt(j);
                    eps.setDoubleAt(j, Math.sqrt(1 - ab) * v / (0.25 * ab + 1 - ab) + 0.05 * Math.tanh(v));
                }
                s.step(eps, i, x, replay, be, ws);
            }
            Tensor want = xs.select(0, 1000);
            double scale = 0;
            for (long j = 0; j < want.numel(); j++) {
                scale = Math.max(scale, Math.abs(want.getDoubleAt(j)));
            }
            for (long j = 0; j < want.numel(); j++) {
                assertEquals(want.getDoubleAt(j), x.getDoubleAt(j), 1e-4 * scale, "element " + j);
            }
        }
    }

    @Test
    void learnedRangeAtItsEndsIsFixedSmallAndFixedLarge() {
        Respacing tenSteps = Respacing.of(BETAS, "10");
        Random rnd = new Random(3);
        try (Arena a = Arena.ofShared()) {
            Tensor x0 = Tensor.allocate(a, DType.F32, 1, 2, 3, 3);
            Tensor eps = Tensor.allocate(a, DType.F32, 1, 2, 3, 3);
            for (long j = 0; j < x0.numel(); j++) {
                x0.setDoubleAt(j, rnd.nextGaussian());
                eps.setDoubleAt(j, rnd.nextGaussian());
            }
            for (double v : new double[] {-1, 1}) {
                Tensor out = Tensor.allocate(a, DType.F32, 1, 4, 3, 3);
                eps.copyTo(out.narrow(1, 0, 2));
                for (long j = 0; j < 18; j++) {
                    out.narrow(1, 2, 2).setDoubleAt(j, v);
                }
                IddpmSampler fixed = new IddpmSampler(tenSteps,
                        v < 0 ? IddpmSampler.Variance.FIXED_SMALL : IddpmSampler.Variance.FIXED_LARGE);
                IddpmSampler learned = new IddpmSampler(tenSteps, IddpmSampler.Variance.LEARNED_RANGE);
                Tensor xa = Tensor.allocate(a, DType.F32, x0.shape());
                Tensor xb = Tensor.allocate(a, DType.F32, x0.shape());
                x0.copyTo(xa);
                x0.copyTo(xb);
                fixed.step(eps, 2, xa, new CounterNoise(9), be, ws);
                learned.step(out, 2, xb, new CounterNoise(9), be, ws);
                assertArrayEquals(xa.toFloatArray(), xb.toFloatArray(), 1e-5f, "v = " + v);
            }
        }
    }

    @Test
    void ditsDefaultIsSelectableByName() {
        SamplerConfig c = new SamplerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02, 250, 1, 0, true, jdit.sampling.SigmaSpacing.DEFAULT);
        var s = Samplers.byName("ddpm").create(c);
        assertTrue(s instanceof IddpmSampler);
        assertEquals(999, s.timesteps()[0]);
        assertEquals(0, s.timesteps()[249]);
    }
}
