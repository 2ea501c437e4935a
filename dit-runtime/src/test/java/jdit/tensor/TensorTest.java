package jdit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TensorTest {
    private final Arena arena = Arena.ofConfined();
    private final Workspace ws = new Workspace();

    @AfterEach
    void close() {
        ws.close();
        arena.close();
    }

    /** A [2,3,5] tensor whose element (i,j,k) holds 100i + 10j + k, so every view can be checked by its indices. */
    private Tensor indexed() {
        float[] v = new float[30];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 5; k++) {
                    v[(i * 3 + j) * 5 + k] = 100 * i + 10 * j + k;
                }
            }
        }
        return Tensor.fromFloats(arena, v, 2, 3, 5);
    }

    @Test
    void permuteTransposeAndSliceAddressTheRightElements() {
        Tensor t = indexed();
        Tensor p = t.permute(2, 0, 1); // [5,2,3]
        assertEquals(Shape.of(5, 2, 3), p.shape());
        assertEquals(100 * 1 + 10 * 1 + 3, p.getFloat(3, 1, 1));
        Tensor tr = t.transpose(0, 2); // [5,3,2]
        assertEquals(4 + 20 + 100, tr.getFloat(4, 2, 1));
        Tensor s = t.slice(2, 1, 4).narrow(1, 1, 2); // [2,2,3]
        assertEquals(Shape.of(2, 2, 3), s.shape());
        assertEquals(100 + 20 + 3, s.getFloat(1, 1, 2));
        Tensor sel = t.select(1, 2); // [2,5]
        assertEquals(100 + 20 + 4, sel.getFloat(1, 4));
        assertFalse(p.isContiguous());
        assertTrue(t.slice(0, 1, 2).isContiguous());
        assertFalse(t.slice(2, 0, 4).isContiguous());
    }

    @Test
    void contiguousCopyOfAPermutedViewMatchesIndexArithmetic() {
        Tensor p = indexed().permute(1, 2, 0); // [3,5,2]
        Tensor c = p.contiguous(ws);
        assertTrue(c.isContiguous());
        float[] got = c.toFloatArray();
        int n = 0;
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 5; k++) {
                for (int i = 0; i < 2; i++) {
                    assertEquals(100 * i + 10 * j + k, got[n++], "at " + j + "," + k + "," + i);
                }
            }
        }
    }

    @Test
    void reshapeInfersOneDimAndRefusesViews() {
        Tensor t = indexed();
        Tensor r = t.reshape(6, -1);
        assertEquals(Shape.of(6, 5), r.shape());
        assertEquals(100 + 10 + 2, r.getFloat(4, 2));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(7, -1));
        assertThrows(IllegalStateException.class, () -> t.transpose(0, 1).reshape(30));
        assertEquals(Shape.of(2, 1, 3, 5), t.unsqueeze(1).shape());
        assertEquals(112f, t.unsqueeze(-1).getFloat(1, 1, 2, 0));
    }

    @Test
    void outOfRangeViewsAreRefused() {
        Tensor t = indexed();
        assertThrows(IndexOutOfBoundsException.class, () -> t.slice(1, 2, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> t.getFloat(2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> t.permute(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> t.select(3, 0));
    }

    @Test
    void dtypeConversionsRoundTripThroughStridedViews() {
        Random r = new Random(7);
        double[] v = new double[7 * 13];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() * 3 + 0.1;
        }
        Tensor f64 = Tensor.fromDoubles(arena, DType.F64, v, 7, 13);
        for (DType d : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Tensor conv = f64.transpose(0, 1).to(d, ws); // [13,7]
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 13; j++) {
                    double expect = switch (d) {
                        case F32 -> (float) v[i * 13 + j];
                        case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) v[i * 13 + j]));
                        default -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16((float) v[i * 13 + j]));
                    };
                    assertEquals(expect, conv.getDouble(j, i), 0.0, d + " at " + i + "," + j);
                }
            }
        }
        Tensor ints = Tensor.fromLongs(arena, DType.I64, new long[] {-3, 0, 1L << 40}, 3);
        Tensor i32 = ints.slice(0, 0, 2).to(DType.I32, ws);
        assertArrayEquals(new long[] {-3, 0}, i32.toLongArray());
        assertEquals((double) (1L << 40), ints.getDouble(2));
    }

    @Test
    void dataOfAContiguousSliceStartsAtItsOffset() {
        Tensor t = indexed();
        Tensor row = t.select(0, 1).select(0, 2); // [5], elements 120..124
        assertEquals(5 * 4, row.data().byteSize());
        assertEquals(120f, row.data().get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
    }

    @Test
    void emptyTensorsAreContiguous() {
        Tensor t = Tensor.allocate(arena, DType.F32, 2, 0, 3);
        assertTrue(t.isContiguous());
        assertEquals(0, t.data().byteSize());
    }
}
