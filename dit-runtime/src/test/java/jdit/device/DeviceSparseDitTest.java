package jdit.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.attention.AttentionStep;
import jdit.attention.DenseAttention;
import jdit.attention.GuidanceBranch;
import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.backend.cpu.CpuBackend;
import jdit.io.SeededWeights;
import jdit.model.dit.DitConfig;
import jdit.model.dit.SparseDitConfig;
import jdit.model.dit.SparseDitModel;
import jdit.model.dit.SparseDitParameters;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.StrictDevice;
import jdit.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * SparseDiT on a device: its Sparse-Dense Token Modules pool the dense tokens and upsample the sparse ones through
 * backend ops (pooling bins, row gathers); a forward through {@link StrictDevice} equals the CPU backend's bit for bit.
 */
class DeviceSparseDitTest {
    @Test
    void aSparseDitForwardOnTheDeviceEqualsTheCpuForward() {
        SparseDitConfig c = new SparseDitConfig(new DitConfig(8, 2, 4, 32, 10, 2, 10, true), 1, 2, 1, 1, 1, 1, 1, 2);
        try (SeededWeights w = new SeededWeights(SparseDitParameters.layout(c), 11); CpuBackend cpu = CpuBackend.create(2, true);
             Arena a = Arena.ofShared()) {
            Tensor x = Tensors.random(a, new Random(3), 2, 4, 8, 8);
            double[] t = {500, 20};
            long[] y = {3, 10};
            AttentionStep step = new AttentionStep(new DenseAttention(), 0, 1, 500, GuidanceBranch.UNGUIDED);
            float[] want;
            try (SparseDitModel m = SparseDitModel.load(w, c, DType.F32); Workspace ws = new Workspace()) {
                want = m.forward(x, t, y, step, cpu.backend(), ws).toFloatArray();
            }
            Backend dev = StrictDevice.over(cpu.backend());
            try (SparseDitModel m = SparseDitModel.load(w, c, DType.F32, dev.memory()); Workspace ws = dev.memory().workspace()) {
                Tensor out = m.forward(Transfers.upload(x, dev.memory(), ws), t, y, step, dev, ws);
                assertArrayEquals(want, Transfers.floats(out, dev.memory()));
            }
        }
    }
}
