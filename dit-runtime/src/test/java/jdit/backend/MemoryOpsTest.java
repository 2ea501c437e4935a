package jdit.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.StrictDevice;
import org.junit.jupiter.api.Test;

/**
 * The memory ops that move activations on a device (row gathers and scatters by an index, pooling bins, transfers):
 * the reference by hand-worked values, the CPU backend and the strict device double against the reference.
 */
class MemoryOpsTest {
    private final Random r = new Random(3);

    private Tensor random(Arena a, long... shape) {
        Tensor t = Tensor.allocate(a, DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) {
            t.setDoubleAt(i, r.nextGaussian());
        }
        return t;
    }

    private static Tensor index(Arena a, long... values) {
        return Tensor.fromLongs(a, DType.I32, values, values.length);
    }

    @Test
    void theReferenceMovesRowsAndAveragesBins() {
        Memory ref = Backends.reference().memory();
        try (Arena a = Arena.ofConfined()) {
            Tensor src = Tensor.fromFloats(a, new float[] {0, 1, 10, 11, 20, 21}, 1, 3, 2);
            Tensor got = Tensor.allocate(a, DType.F32, 1, 2, 2);
            ref.gatherRows(src, index(a, 2, 0), got);
            assertArrayEquals(new float[] {20, 21, 0, 1}, got.toFloatArray());
            Tensor table = Tensor.fromFloats(a, new float[] {-1, -1, -2, -2, -3, -3}, 1, 3, 2);
            ref.scatterRows(got, index(a, 1, 2), table);
            assertArrayEquals(new float[] {-1, -1, 20, 21, 0, 1}, table.toFloatArray(), "row 0 named by no index keeps its value");
            Tensor mean = Tensor.allocate(a, DType.F32, 1, 2, 2);
            ref.meanRows(src, index(a, 0, 2, 3), index(a, 0, 2, 1), mean);
            assertArrayEquals(new float[] {10, 11, 10, 11}, mean.toFloatArray());
        }
    }

    @Test
    void theCpuBackendAndTheDeviceDoubleMatchTheReference() {
        Memory ref = Backends.reference().memory();
        try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, true)) {
            Backend dev = StrictDevice.over(cpu.backend());
            Tensor src = random(a, 2, 7, 5);
            long[] order = {6, 0, 3, 3, 1};
            long[] offsets = {0, 2, 3, 7};
            long[] rows = {0, 1, 2, 3, 4, 5, 6};
            Tensor wantGather = Tensor.allocate(a, DType.F32, 2, 5, 5);
            ref.gatherRows(src, index(a, order), wantGather);
            Tensor wantScatter = random(a, 2, 7, 5);
            Tensor cpuScatter = Tensor.allocate(a, DType.F32, 2, 7, 5);
            wantScatter.copyTo(cpuScatter);
            long[] perm = {4, 2, 0, 6, 5};
            ref.scatterRows(wantGather, index(a, perm), wantScatter);
            Tensor wantMean = Tensor.allocate(a, DType.F32, 2, 3, 5);
            ref.meanRows(src, index(a, offsets), index(a, rows), wantMean);

            Tensor gathered = Tensor.allocate(a, DType.F32, 2, 5, 5);
            cpu.backend().memory().gatherRows(src, index(a, order), gathered);
            assertArrayEquals(wantGather.toFloatArray(), gathered.toFloatArray());
            cpu.backend().memory().scatterRows(gathered, index(a, perm), cpuScatter);
            assertArrayEquals(wantScatter.toFloatArray(), cpuScatter.toFloatArray());
            Tensor mean = Tensor.allocate(a, DType.F32, 2, 3, 5);
            cpu.backend().memory().meanRows(src, index(a, offsets), index(a, rows), mean);
            assertArrayEquals(wantMean.toFloatArray(), mean.toFloatArray());

            try (Workspace ws = dev.memory().workspace()) {
                Tensor dSrc = Transfers.upload(src, dev.memory(), ws);
                Tensor dOut = ws.allocate(DType.F32, 2, 5, 5);
                dev.memory().gatherRows(dSrc, Transfers.index(new int[] {6, 0, 3, 3, 1}, dev.memory(), ws), dOut);
                assertArrayEquals(wantGather.toFloatArray(), Transfers.floats(dOut, dev.memory()));
                Tensor dMean = ws.allocate(DType.F32, 2, 3, 5);
                dev.memory().meanRows(dSrc, Transfers.index(new int[] {0, 2, 3, 7}, dev.memory(), ws),
                        Transfers.index(new int[] {0, 1, 2, 3, 4, 5, 6}, dev.memory(), ws), dMean);
                assertArrayEquals(wantMean.toFloatArray(), Transfers.floats(dMean, dev.memory()));
                Tensor zeros = ws.allocateZeroed(DType.F32, 3, 4);
                assertArrayEquals(new float[12], Transfers.floats(zeros, dev.memory()));
                Tensor strided = ws.allocate(DType.F32, 5, 2, 7); // a transposed download goes through a device copy
                dev.memory().copy(dSrc.permute(2, 0, 1), strided);
                assertArrayEquals(src.permute(2, 0, 1).contiguous(new Workspace()).toFloatArray(),
                        Transfers.floats(strided, dev.memory()));
                assertThrows(IllegalStateException.class, () -> dSrc.getDoubleAt(0), "a device tensor is not read from Java");
                assertThrows(IllegalArgumentException.class, () -> dev.memory().copy(src, dOut.select(0, 0).select(0, 0)),
                        "a device op refuses a host tensor");
            }
        }
    }

    @Test
    void rowIndicesOutsideTheTableAreRefused() {
        try (Arena a = Arena.ofConfined()) {
            Tensor src = Tensor.allocate(a, DType.F32, 1, 3, 2);
            Tensor out = Tensor.allocate(a, DType.F32, 1, 1, 2);
            assertThrows(IndexOutOfBoundsException.class, () -> new jdit.backend.cpu.CpuMemory().gatherRows(src, index(a, 3), out));
            assertThrows(IllegalArgumentException.class,
                    () -> new jdit.backend.cpu.CpuMemory().gatherRows(src, Tensor.allocate(a, DType.I64, 1), out));
        }
    }
}
