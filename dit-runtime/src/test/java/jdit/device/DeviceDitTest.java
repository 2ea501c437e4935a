package jdit.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitModel;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.StrictDevice;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * DiT on a device: the golden tiny model's forward through {@link StrictDevice}, where any host read of an activation
 * throws, equals the CPU backend's forward bit for bit (the same kernels run underneath).
 */
class DeviceDitTest {
    @Test
    void theGoldenForwardOnTheDeviceEqualsTheCpuForward() {
        try (SafetensorsReader weights = SafetensorsReader.open(TestData.golden().resolve("dit/dit_tiny.safetensors"));
             SafetensorsReader io = SafetensorsReader.open(TestData.golden().resolve("dit/dit_tiny_io.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true)) {
            DitConfig cfg = DitConfig.fromJson(weights.metadata().get("config"));
            double[] t = io.tensor("t").toDoubleArray();
            long[] y = io.tensor("y").toLongArray();
            float[] want;
            try (DitModel m = DitModel.load(weights, cfg); Workspace ws = new Workspace()) {
                want = m.forward(io.tensor("x"), t, y, cpu.backend(), ws).toFloatArray();
            }
            Backend dev = StrictDevice.over(cpu.backend());
            try (DitModel m = DitModel.load(weights, cfg, DType.F32, dev.memory()); Workspace ws = dev.memory().workspace()) {
                Tensor x = Transfers.upload(io.tensor("x"), dev.memory(), ws);
                Tensor out = m.forward(x, t, y, dev, ws);
                assertThrows(IllegalStateException.class, () -> out.getDoubleAt(0), "the double must refuse host reads");
                assertArrayEquals(want, Transfers.floats(out, dev.memory()));
            }
        }
    }
}
