package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdit.sampling.SamplerConfig;
import jdit.sampling.SamplerProvider;
import jdit.sampling.Samplers;
import org.junit.jupiter.api.Test;

class SamplerLookupTest {
    @Test
    void everyImplementedSamplerIsFoundByName() {
        List<String> names = Samplers.all().stream().map(SamplerProvider::name).sorted().toList();
        assertEquals(List.of("ddim", "ddpm", "dpmpp-2m", "euler", "euler-a", "flow-dpmpp", "flow-euler", "flow-unipc", "unipc"), names);
        for (String n : names) {
            assertEquals(10, Samplers.byName(n).create(SamplerConfig.linear(10)).timesteps().length, n);
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Samplers.byName("heun"));
        assertTrue(e.getMessage().contains("heun") && e.getMessage().contains("euler-a"), e.getMessage());
    }

    @Test
    void flowEulerShiftsItsSmallestSigmaTwice() {
        // diffusers: shift 3, 10 steps ends at t = 8.9286 (shift applied to the already shifted 0.001)
        double[] t = Samplers.byName("flow-euler").create(SamplerConfig.linear(10).withShift(3)).timesteps();
        double once = 3 * 0.001 / (1 + 2 * 0.001);
        double twice = 3 * once / (1 + 2 * once);
        assertEquals(twice * 1000, t[9], 1e-9);
        assertEquals(8.9286, t[9], 1e-4);
    }

    @Test
    void familyDefaultsNameRealSamplers() {
        var dit = jdit.sampling.SamplerDefaults.dit();
        var sampler = Samplers.byName(dit.sampler()).create(dit.config());
        assertEquals(250, sampler.timesteps().length);
        assertEquals(999, sampler.timesteps()[0]);
        var wan = jdit.sampling.SamplerDefaults.wan21();
        double[] t = Samplers.byName(wan.sampler()).create(wan.config()).timesteps();
        assertEquals(50, t.length);
        assertEquals(999, t[0]); // shift 5 keeps the top of 0.999 at 999.8, truncated
    }
}
