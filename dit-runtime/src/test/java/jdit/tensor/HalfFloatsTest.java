package jdit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {
    private static final ValueLayout.OfShort H = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** BF16 rounding decided with exact decimal arithmetic: the nearest of the two neighbours, ties to even. */
    private static short bf16Oracle(float f) {
        int bits = Float.floatToRawIntBits(f);
        int down = bits & 0xffff0000;
        int up = down + 0x10000;
        BigDecimal x = new BigDecimal(f);
        BigDecimal dDown = x.subtract(new BigDecimal(Float.intBitsToFloat(down))).abs();
        BigDecimal dUp = x.subtract(new BigDecimal(Float.intBitsToFloat(up))).abs();
        int c = dDown.compareTo(dUp);
        int pick = c < 0 ? down : c > 0 ? up : (((down >>> 16) & 1) == 0 ? down : up);
        return (short) (pick >>> 16);
    }

    @Test
    void bf16RoundingIsNearestEvenOnRandomAndTieValues() {
        Random r = new Random(11);
        for (int i = 0; i < 20000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
            assertEquals(bf16Oracle(f), HalfFloats.floatToBf16(f), "for " + f);
        }
        // exact ties: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 -> rounds to even (1.0)
        assertEquals((short) 0x3f80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808000)));
        assertEquals((short) 0x3f82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f818000)));
        assertEquals(true, Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.POSITIVE_INFINITY)));
    }

    @Test
    void bulkConversionsMatchScalarOnOddLengthsAndOffsets() {
        Random r = new Random(3);
        try (Arena a = Arena.ofConfined()) {
            for (int n : new int[] {1, 7, 15, 16, 17, 33, 4097, 10001}) {
                MemorySegment f32 = a.allocate(4L * n + 4);
                MemorySegment h = a.allocate(2L * n + 2);
                MemorySegment back = a.allocate(4L * n + 4);
                for (int i = 0; i < n; i++) {
                    f32.set(F, 4 + 4L * i, (float) (r.nextGaussian() * 100));
                }
                HalfFloats.f32ToBf16(f32, 4, h, 2, n);
                HalfFloats.bf16ToF32(h, 2, back, 4, n);
                for (int i = 0; i < n; i++) {
                    float x = f32.get(F, 4 + 4L * i);
                    assertEquals(bf16Oracle(x), h.get(H, 2 + 2L * i), "bf16 n=" + n + " i=" + i);
                    assertEquals(Float.intBitsToFloat(bf16Oracle(x) << 16), back.get(F, 4 + 4L * i));
                }
                HalfFloats.f32ToF16(f32, 4, h, 2, n);
                HalfFloats.f16ToF32(h, 2, back, 4, n);
                for (int i = 0; i < n; i++) {
                    float x = f32.get(F, 4 + 4L * i);
                    assertEquals(Float.floatToFloat16(x), h.get(H, 2 + 2L * i), "f16 n=" + n + " i=" + i);
                    assertEquals(Float.float16ToFloat(Float.floatToFloat16(x)), back.get(F, 4 + 4L * i));
                }
            }
        }
    }

    @Test
    void knownHalfBitPatterns() {
        assertEquals(1.0f, Float.float16ToFloat((short) 0x3c00));
        assertEquals(-2.0f, HalfFloats.bf16ToFloat((short) 0xc000));
        assertEquals(65504f, Float.float16ToFloat((short) 0x7bff));
        assertEquals((float) Math.pow(2, -24), Float.float16ToFloat((short) 0x0001));
    }
}
