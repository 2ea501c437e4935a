package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import jdit.io.safetensors.SafetensorsReader;
import jdit.sampling.BetaSchedule;
import org.junit.jupiter.api.Test;

/** Beta schedules and IDDPM respacing against DiT's own tensors (golden dit_tiny_io) and worked values. */
class ScheduleTest {
    private static SafetensorsReader ditIo() {
        return SafetensorsReader.open(Path.of(System.getProperty("jdit.golden", "../testdata/golden"))
                .resolve("dit/dit_tiny_io.safetensors"));
    }

    @Test
    void linearBetasAndTenStepRespacingMatchDit() {
        double[] betas = BetaSchedule.LINEAR.betas(1000, 1e-4, 0.02);
        try (SafetensorsReader r = ditIo()) {
            assertArrayEquals(r.tensor("betas1000").toDoubleArray(), betas, 1e-15);
            Respacing s = Respacing.of(betas, "10");
            assertArrayEquals(r.tensor("timestep_map10").toLongArray(), s.timestepMap());
            assertArrayEquals(r.tensor("betas10").toDoubleArray(), s.betas(), 1e-12);
        }
    }

    @Test
    void twoHundredFiftyStepsOverAThousand() {
        Respacing s = Respacing.of(BetaSchedule.LINEAR.betas(1000, 1e-4, 0.02), "250");
        assertEquals(250, s.timestepMap().length);
        assertEquals(0, s.timestepMap()[0]);
        assertEquals(999, s.timestepMap()[249]);
        // stride 999/249 = 4.0120...: the 125th kept step is round(124·4.0120) = round(497.49) = 497
        assertEquals(497, s.timestepMap()[124]);
        assertThrows(IllegalArgumentException.class, () -> Respacing.of(new double[10], "11"));
    }

    @Test
    void scaledLinearAndCosineSchedules() {
        double[] sl = BetaSchedule.SCALED_LINEAR.betas(1000, 0.00085, 0.012);
        assertEquals(0.00085, sl[0], 1e-15);
        assertEquals(0.012, sl[999], 1e-15);
        double mid = Math.sqrt(0.00085) + (Math.sqrt(0.012) - Math.sqrt(0.00085)) * 500 / 999;
        assertEquals(mid * mid, sl[500], 1e-15);
        double[] cos = BetaSchedule.SQUAREDCOS_CAP_V2.betas(1000, 0, 0);
        double ab = Math.pow(Math.cos((1 / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2)
                / Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        assertEquals(1 - ab, cos[0], 1e-15);
        assertEquals(0.999, cos[999], 0); // the cap
    }

    @Test
    void ddimStrideSpacing() {
        Respacing s = Respacing.of(BetaSchedule.LINEAR.betas(1000, 1e-4, 0.02), "ddim10");
        assertArrayEquals(new long[] {0, 100, 200, 300, 400, 500, 600, 700, 800, 900}, s.timestepMap());
        assertThrows(IllegalArgumentException.class, () -> Respacing.of(new double[10], "ddim7")); // strides give 10, 5, 4, 3, 2 or 1 steps
    }
}
