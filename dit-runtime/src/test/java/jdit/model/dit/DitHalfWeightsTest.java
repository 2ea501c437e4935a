package jdit.model.dit;

import static jdit.testing.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdit.backend.Backends;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Block matrices kept in BF16 or F16: the CPU forward equals the double-precision reference run on the same rounded
 * weights (so the widening in the gemm is exact), stays near the F32 forward (within what rounding the weights to
 * 8 or 11 mantissa bits allows), and the block matrices take half the bytes.
 */
class DitHalfWeightsTest {
    @Test
    void halfWeightsAreWidenedExactlyAndStayCloseToF32() {
        try (SafetensorsReader weights = SafetensorsReader.open(TestData.golden().resolve("dit/dit_tiny.safetensors"));
             SafetensorsReader io = SafetensorsReader.open(TestData.golden().resolve("dit/dit_tiny_io.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             DitModel full = DitModel.load(weights, DitConfigs.of(weights))) {
            double[] t = io.tensor("t").toDoubleArray();
            long[] y = io.tensor("y").toLongArray();
            Tensor x = io.tensor("x");
            Tensor want32 = full.forward(x, t, y, cpu.backend(), ws);
            for (DType dt : new DType[] {DType.BF16, DType.F16}) {
                try (DitModel half = DitModel.load(weights, full.config(), dt)) {
                    Tensor got = half.forward(x, t, y, cpu.backend(), ws);
                    assertClose(half.forward(x, t, y, Backends.reference(), ws), got, 1e-5, 1e-5, dt + " vs reference");
                    assertClose(want32, got, dt == DType.BF16 ? 3e-2 : 4e-3, 0, dt + " vs F32");
                    // 98% of the tiny model's bytes are block matrices only at real sizes; here tables weigh more
                    assertTrue(half.weightBytes() < 0.75 * full.weightBytes(), dt + ": " + half.weightBytes()
                            + " bytes against " + full.weightBytes());
                }
            }
        }
    }
}
