package jdit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The cuDNN attention graph as pure data, checked without a GPU: the [B, T, H, D] buffers seen as cuDNN's
 * [B, H, T, D] (and Kᵀ) through strides, the stats in the lse's layout, data types, unique ids, and the ten
 * operations wired in the order the fused engines expect.
 */
class SdpaGraphTest {
    private static final int BF16 = 9;
    private static final int HALF = 2;
    private static final int FLOAT = 0;

    @Test
    void operandsAreTheRowMajorBuffersSeenThroughStrides() {
        SdpaGraph g = SdpaGraph.of(new SdpaShape(2, 12, 1000, 77, 128, DType.BF16, true));
        SdpaGraph.TensorSpec q = g.tensor(SdpaGraph.Q);
        assertArrayEquals(new long[] {2, 12, 1000, 128}, q.dims());
        assertArrayEquals(new long[] {1000 * 12 * 128, 128, 12 * 128, 1}, q.strides());
        SdpaGraph.TensorSpec kt = g.tensor(SdpaGraph.K_T);
        assertArrayEquals(new long[] {2, 12, 128, 77}, kt.dims());
        assertArrayEquals(new long[] {77 * 12 * 128, 128, 1, 12 * 128}, kt.strides());
        SdpaGraph.TensorSpec v = g.tensor(SdpaGraph.V);
        assertArrayEquals(new long[] {2, 12, 77, 128}, v.dims());
        assertArrayEquals(new long[] {77 * 12 * 128, 128, 12 * 128, 1}, v.strides());
        SdpaGraph.TensorSpec o = g.tensor(SdpaGraph.O);
        assertArrayEquals(q.dims(), o.dims());
        assertArrayEquals(q.strides(), o.strides());
        for (SdpaGraph.TensorSpec t : List.of(q, kt, v, o)) {
            assertEquals(BF16, t.dataType(), t.name());
            assertFalse(t.isVirtual() || t.byValue(), t.name());
        }
    }

    /** Every (b, h, t, d) of the strided view lands on element [b, t, h, d] of the row-major buffer, K's transposed too. */
    @Test
    void stridesAddressEveryElementOfTheBufferOnce() {
        int b = 2;
        int h = 3;
        int t = 5;
        int d = 8;
        long[] s = SdpaGraph.operandStrides(t, h, d);
        long[] st = SdpaGraph.transposedStrides(t, h, d);
        Set<Long> seen = new HashSet<>();
        for (int ib = 0; ib < b; ib++) {
            for (int ih = 0; ih < h; ih++) {
                for (int it = 0; it < t; it++) {
                    for (int id = 0; id < d; id++) {
                        long rowMajor = ((long) (ib * t + it) * h + ih) * d + id;
                        long viaView = ib * s[0] + ih * s[1] + it * s[2] + id * s[3];
                        long viaTransposed = ib * st[0] + ih * st[1] + id * st[2] + it * st[3];
                        assertEquals(rowMajor, viaView);
                        assertEquals(rowMajor, viaTransposed);
                        seen.add(viaView);
                    }
                }
            }
        }
        assertEquals((long) b * h * t * d, seen.size());
    }

    @Test
    void statsAreWrittenStraightIntoTheLseLayout() {
        SdpaGraph g = SdpaGraph.of(new SdpaShape(2, 12, 1000, 77, 128, DType.BF16, true));
        SdpaGraph.TensorSpec stats = g.tensor(SdpaGraph.STATS);
        assertArrayEquals(new long[] {2, 12, 1000, 1}, stats.dims());
        assertArrayEquals(new long[] {12_000, 1000, 1, 1}, stats.strides());
        assertEquals(FLOAT, stats.dataType());
        assertFalse(stats.isVirtual());
        try (Arena a = Arena.ofConfined()) {
            Tensor lse = Tensor.allocate(a, DType.F32, 2, 12, 1000);
            for (int i = 0; i < 3; i++) {
                assertEquals(lse.dim(i), stats.dims()[i]);
                assertEquals(lse.stride(i), stats.strides()[i], "stride " + i + " of the backend's lse [B, H, Tq]");
            }
        }
        SdpaGraph inference = SdpaGraph.of(new SdpaShape(2, 12, 1000, 77, 128, DType.BF16, false));
        assertTrue(inference.tensor(SdpaGraph.STATS).isVirtual(), "without an lse the stats stay inside cuDNN");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), g.boundUids());
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L), inference.boundUids());
    }

    @Test
    void theScaleIsAByValueScalarAndTheIntermediatesStayInFp32() {
        SdpaGraph g = SdpaGraph.of(new SdpaShape(1, 2, 33, 65, 72, DType.F16, false));
        SdpaGraph.TensorSpec scale = g.tensor(SdpaGraph.SCALE);
        assertTrue(scale.byValue());
        assertFalse(scale.isVirtual());
        assertArrayEquals(new long[] {1, 1, 1, 1}, scale.dims());
        assertEquals(FLOAT, scale.dataType());
        assertEquals(HALF, g.tensor(SdpaGraph.Q).dataType());
        SdpaGraph.OpSpec last = g.ops().get(g.ops().size() - 1);
        assertEquals(HALF, g.tensor(last.inputs().get(0)).dataType(), "P enters the second product in the I/O type");
        assertArrayEquals(new long[] {1, 2, 33, 65}, g.tensor(last.inputs().get(0)).dims());
        for (SdpaGraph.OpSpec op : g.ops().subList(0, g.ops().size() - 2)) {
            assertEquals(FLOAT, g.tensor(op.output()).dataType(), "output of " + op);
        }
        Set<Long> uids = new HashSet<>();
        for (SdpaGraph.TensorSpec t : g.tensors()) {
            assertTrue(uids.add(t.uid()), "uid " + t.uid() + " is unique");
        }
    }

    @Test
    void theOperationsFormTheFlashAttentionChain() {
        SdpaGraph g = SdpaGraph.of(new SdpaShape(1, 4, 130, 77, 64, DType.BF16, true));
        List<SdpaGraph.OpSpec> ops = g.ops();
        assertEquals(10, ops.size());
        SdpaGraph.Kind mm = SdpaGraph.Kind.MATMUL;
        SdpaGraph.Kind pw = SdpaGraph.Kind.POINTWISE;
        SdpaGraph.Kind red = SdpaGraph.Kind.REDUCTION;
        List<SdpaGraph.Kind> kinds = List.of(mm, pw, red, pw, pw, red, pw, pw, pw, mm);
        // cudnnPointwiseMode_t MUL 1, SUB 9, EXP 13, LOG 15, ADD 0, DIV 6; cudnnReduceTensorOp_t MAX 3, ADD 0
        int[] modes = {-1, 1, 3, 9, 13, 0, 15, 0, 6, -1};
        for (int i = 0; i < ops.size(); i++) {
            assertEquals(kinds.get(i), ops.get(i).kind(), "op " + i);
            assertEquals(modes[i], ops.get(i).mode(), "mode of op " + i);
        }
        assertEquals(List.of(SdpaGraph.Q, SdpaGraph.K_T), ops.get(0).inputs());
        assertEquals(List.of(ops.get(0).output(), SdpaGraph.SCALE), ops.get(1).inputs());
        long max = ops.get(2).output();
        long exp = ops.get(4).output();
        long sum = ops.get(5).output();
        assertEquals(List.of(ops.get(1).output(), max), ops.get(3).inputs(), "scaled scores minus the row max");
        assertEquals(List.of(sum), ops.get(6).inputs(), "ln of the row sum");
        assertEquals(List.of(max, ops.get(6).output()), ops.get(7).inputs(), "stats = max + ln sum");
        assertEquals(SdpaGraph.STATS, ops.get(7).output());
        assertEquals(List.of(exp, sum), ops.get(8).inputs(), "P = exp / sum");
        assertEquals(List.of(ops.get(8).output(), SdpaGraph.V), ops.get(9).inputs());
        assertEquals(SdpaGraph.O, ops.get(9).output());
        assertArrayEquals(new long[] {1, 4, 130, 1}, g.tensor(max).dims(), "row reductions keep a unit last dim");
        assertArrayEquals(new long[] {1, 4, 130, 77}, g.tensor(exp).dims());
    }

    /** Each product's dims agree ([.., m, k] x [.., k, n] -> [.., m, n]); every tensor is written once; inputs never. */
    @Test
    void theGraphIsWellFormed() {
        SdpaGraph g = SdpaGraph.of(new SdpaShape(3, 2, 50, 90, 72, DType.BF16, true));
        Map<Long, Integer> writes = new HashMap<>();
        for (SdpaGraph.OpSpec op : g.ops()) {
            writes.merge(op.output(), 1, Integer::sum);
            if (op.kind() == SdpaGraph.Kind.MATMUL) {
                long[] a = g.tensor(op.inputs().get(0)).dims();
                long[] bb = g.tensor(op.inputs().get(1)).dims();
                long[] c = g.tensor(op.output()).dims();
                assertArrayEquals(new long[] {a[0], a[1], a[2], bb[3]}, c, "product " + op);
                assertEquals(a[3], bb[2], "inner dims of " + op);
            }
        }
        for (SdpaGraph.TensorSpec t : g.tensors()) {
            boolean input = t.uid() == SdpaGraph.Q || t.uid() == SdpaGraph.K_T || t.uid() == SdpaGraph.V || t.uid() == SdpaGraph.SCALE;
            assertEquals(input ? null : Integer.valueOf(1), writes.get(t.uid()), t.name() + " writers");
        }
        assertEquals(4.0 * 3 * 2 * 50 * 90 * 72, g.shape().flops());
    }

    @Test
    void onlyHalfTypesAndPositiveSizesAreTaken() {
        assertThrows(IllegalArgumentException.class, () -> new SdpaShape(1, 1, 8, 8, 64, DType.F32, false));
        assertThrows(IllegalArgumentException.class, () -> new SdpaShape(1, 1, 0, 8, 64, DType.BF16, false));
        assertEquals(new SdpaShape(1, 2, 3, 4, 8, DType.BF16, true), new SdpaShape(1, 2, 3, 4, 8, DType.BF16, true),
                "shapes are cache keys");
        assertFalse(new SdpaShape(1, 2, 3, 4, 8, DType.BF16, true).equals(new SdpaShape(1, 2, 3, 4, 8, DType.BF16, false)));
    }
}
