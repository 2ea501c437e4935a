package jdit.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import jdit.attention.AttentionStep;
import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.latte.LatteConfig;
import jdit.model.latte.LatteModel;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.StrictDevice;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Wan2.1 and Latte on a device: the golden tiny models' forwards through {@link StrictDevice} (any host read of an
 * activation throws) equal the CPU backend's forwards bit for bit.
 */
class DeviceVideoModelsTest {
    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(TestData.golden().resolve(name));
    }

    @Test
    void wanForwardsOnTheDeviceEqualTheCpuForwards() {
        try (SafetensorsReader w = open("wan/wan_tiny.safetensors"); SafetensorsReader io = open("wan/wan_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true)) {
            WanConfig cfg = WanConfig.fromJson(w.metadata().get("config"));
            double[] t = io.tensor("t").toDoubleArray();
            Backend dev = StrictDevice.over(cpu.backend());
            for (String context : new String[] {"context", "context_null"}) {
                float[] want;
                try (WanModel m = WanModel.load(w, cfg, DType.F32); Workspace ws = new Workspace()) {
                    Tensor text = m.embedText(io.tensor(context), cpu.backend(), ws).unsqueeze(0);
                    want = m.forward(io.tensor("x").unsqueeze(0), t, text, AttentionStep.dense(t[0]), cpu.backend(), ws)
                            .toFloatArray();
                }
                try (WanModel m = WanModel.load(w, cfg, DType.F32, dev.memory()); Workspace ws = dev.memory().workspace()) {
                    Tensor text = m.embedText(Transfers.upload(io.tensor(context), dev.memory(), ws), dev, ws).unsqueeze(0);
                    Tensor x = Transfers.upload(io.tensor("x"), dev.memory(), ws).unsqueeze(0);
                    Tensor out = m.forward(x, t, text, AttentionStep.dense(t[0]), dev, ws);
                    assertArrayEquals(want, Transfers.floats(out, dev.memory()), context);
                }
            }
        }
    }

    @Test
    void latteForwardsOnTheDeviceEqualTheCpuForwards() {
        for (String name : new String[] {"latte_tiny_classcond", "latte_tiny_uncond"}) {
            try (SafetensorsReader w = open("latte/" + name + ".safetensors");
                 SafetensorsReader io = open("latte/" + name + "_io.safetensors"); CpuBackend cpu = CpuBackend.create(2, true)) {
                LatteConfig cfg = LatteConfig.of(w);
                double[] t = io.tensor("t").toDoubleArray();
                long[] y = cfg.numClasses() > 0 ? io.tensor("y").toLongArray() : null;
                float[] want;
                try (LatteModel m = LatteModel.load(w, cfg); Workspace ws = new Workspace()) {
                    want = m.forward(io.tensor("x"), t, y, cpu.backend(), ws).toFloatArray();
                }
                Backend dev = StrictDevice.over(cpu.backend());
                try (LatteModel m = LatteModel.load(w, cfg, DType.F32, dev.memory()); Workspace ws = dev.memory().workspace()) {
                    Tensor out = m.forward(Transfers.upload(io.tensor("x"), dev.memory(), ws), t, y, dev, ws);
                    assertArrayEquals(want, Transfers.floats(out, dev.memory()), name);
                }
            }
        }
    }
}
