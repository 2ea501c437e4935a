package jdit.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdit.backend.cpu.Parallel;
import org.junit.jupiter.api.Test;

/** The ceiling measurements run and return sane numbers (no time is asserted: the machine is shared). */
class CeilingsTest {
    @Test
    void fmaLoopComputesTheRecurrenceItClaims() {
        // a <- a·0.999999 + 1e-7·seed, twelve chains seeded seed..seed+11, summed over 16 lanes each
        double want = 0;
        for (int c = 0; c < 12; c++) {
            double a = 0.5f + c;
            for (int i = 0; i < 1000; i++) {
                a = (float) Math.fma((float) a, 0.999999f, 1e-7f * 0.5f);
            }
            want += 16 * a;
        }
        assertEquals(want, Ceilings.fmaLoop(0.5f, 1000), 1e-3);
    }

    @Test
    void measurementsArePositiveAndFinite() {
        try (Parallel p = new Parallel(2)) {
            double fma = Ceilings.fmaGflops(p, 1, 200_000);
            double copy = Ceilings.copyGbps(p, 8L << 20, 1);
            assertTrue(fma > 0 && Double.isFinite(fma), "fma " + fma);
            assertTrue(copy > 0 && Double.isFinite(copy), "copy " + copy);
        }
    }
}
