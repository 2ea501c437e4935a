package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.Samplers;
import jdit.sampling.SigmaSpacing;
import org.junit.jupiter.api.Test;

/** Karras spacing: the rho-7 formula between the schedule's extremes, and timesteps read back from the sigmas. */
class KarrasSigmasTest {
    private static double trainSigma(int t) {
        double ab = 1;
        for (int i = 0; i <= t; i++) {
            ab *= 1 - (1e-4 + (0.02 - 1e-4) * i / 999);
        }
        return Math.sqrt((1 - ab) / ab);
    }

    @Test
    void multistepSamplersSpanTheTrainingSigmas() {
        for (String name : new String[] {"dpmpp-2m", "unipc"}) {
            Sampler s = Samplers.byName(name).create(SamplerConfig.linear(10).withSigmaSpacing(SigmaSpacing.KARRAS));
            double[] sig = s.sigmas();
            double[] t = s.timesteps();
            assertEquals(trainSigma(999), sig[0], 1e-9 * sig[0], name);
            assertEquals(trainSigma(0), sig[9], 1e-12, name);
            assertEquals(0, sig[10], 0, name);
            double hi = Math.pow(trainSigma(999), 1 / 7.0);
            double lo = Math.pow(trainSigma(0), 1 / 7.0);
            assertEquals(Math.pow(hi + 4 / 9.0 * (lo - hi), 7), sig[4], 1e-9 * sig[4], name);
            assertEquals(999, t[0], 0, name);
            assertEquals(0, t[9], 0, name);
            for (int i = 1; i < 10; i++) {
                assertTrue(sig[i] < sig[i - 1] && t[i] <= t[i - 1], name + " not decreasing at " + i);
            }
        }
    }

    @Test
    void eulerKeepsFractionalTimesteps() {
        Sampler s = Samplers.byName("euler").create(SamplerConfig.linear(12).withSigmaSpacing(SigmaSpacing.KARRAS));
        double[] t = s.timesteps();
        assertEquals(999, t[0], 1e-6);
        assertEquals(0, t[11], 1e-6);
        // a Karras sigma between two training sigmas reads back as a fractional step
        boolean fractional = false;
        for (double v : t) {
            fractional |= Math.abs(v - Math.rint(v)) > 1e-6;
        }
        assertTrue(fractional);
        assertEquals(s.sigmas()[0], s.initNoiseSigma(), 0);
    }
}
