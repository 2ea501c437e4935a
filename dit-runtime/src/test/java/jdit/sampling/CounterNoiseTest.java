package jdit.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CounterNoiseTest {
    @Test
    void sameSeedSameDrawsAndEachElementIsAFunctionOfItsIndex() {
        try (Arena a = Arena.ofConfined()) {
            Tensor t1 = Tensor.allocate(a, DType.F32, 3, 17);
            Tensor t2 = Tensor.allocate(a, DType.F32, 3, 17);
            CounterNoise n1 = new CounterNoise(42);
            n1.next(t1);
            new CounterNoise(42).next(t2);
            assertArrayEquals(t1.toFloatArray(), t2.toFloatArray());
            // element i of draw 0 does not depend on how many elements were asked for (no sequential state)
            assertEquals(t1.getDoubleAt(20), (float) new CounterNoise(42).value(0, 20), 0.0);
            n1.next(t2);
            assertNotEquals(t1.getDoubleAt(0), t2.getDoubleAt(0), "a second draw differs");
        }
    }

    @Test
    void drawsAreStandardNormal() {
        CounterNoise n = new CounterNoise(7);
        int count = 200_000;
        double sum = 0;
        double sq = 0;
        int beyond2 = 0;
        for (int i = 0; i < count; i++) {
            double v = n.value(3, i);
            sum += v;
            sq += v * v;
            if (Math.abs(v) > 2) {
                beyond2++;
            }
        }
        // mean 0 +- 5 standard errors, variance 1 +- 5 standard errors, P(|z| > 2) = 0.0455
        assertEquals(0, sum / count, 5 / Math.sqrt(count));
        assertEquals(1, sq / count, 5 * Math.sqrt(2.0 / count));
        assertEquals(0.0455, (double) beyond2 / count, 0.003);
    }
}
