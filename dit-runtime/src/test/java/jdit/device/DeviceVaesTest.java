package jdit.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.StrictDevice;
import jdit.testing.TestData;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeConfig;
import org.junit.jupiter.api.Test;

/**
 * The SD and Wan2.1 VAEs on a device: the golden fixtures' decodes and encodes through {@link StrictDevice} (any host
 * read of a weight or activation throws) equal the CPU backend's bit for bit.
 */
class DeviceVaesTest {
    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(TestData.golden().resolve(name));
    }

    @Test
    void sdVaeDecodesAndEncodesOnTheDevice() {
        try (SafetensorsReader w = open("sdvae/sdvae_tiny.safetensors"); SafetensorsReader io = open("sdvae/sdvae_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true)) {
            Backend dev = StrictDevice.over(cpu.backend());
            float[][] want;
            try (SdVae vae = new SdVae(w, SdVaeConfig.of(w)); Workspace ws = new Workspace()) {
                want = new float[][] {vae.decode(io.tensor("z"), cpu.backend(), ws).toFloatArray(),
                    vae.encode(io.tensor("image"), cpu.backend(), ws)[0].toFloatArray()};
            }
            try (SdVae vae = new SdVae(w, SdVaeConfig.of(w), dev.memory()); Workspace ws = dev.memory().workspace()) {
                Tensor decoded = vae.decode(Transfers.upload(io.tensor("z"), dev.memory(), ws), dev, ws);
                assertArrayEquals(want[0], Transfers.floats(decoded, dev.memory()), "decode");
                Tensor mean = vae.encode(Transfers.upload(io.tensor("image"), dev.memory(), ws), dev, ws)[0];
                assertArrayEquals(want[1], Transfers.floats(mean, dev.memory()), "encode");
            }
        }
    }

    @Test
    void wanVaeDecodesAndEncodesOnTheDevice() {
        try (SafetensorsReader w = open("wanvae/wanvae_tiny.safetensors"); SafetensorsReader io = open("wanvae/wanvae_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true)) {
            WanVaeConfig c = WanVaeConfig.of(w).withLatents(doubles(io.tensor("latents_mean")), doubles(io.tensor("latents_std")));
            Backend dev = StrictDevice.over(cpu.backend());
            float[][] want;
            try (WanVae vae = new WanVae(w, c); Workspace ws = new Workspace()) {
                want = new float[][] {vae.decode(io.tensor("z"), cpu.backend(), ws).toFloatArray(),
                    vae.encode(io.tensor("video"), cpu.backend(), ws).toFloatArray()};
            }
            try (WanVae vae = new WanVae(w, c, dev.memory()); Workspace ws = dev.memory().workspace()) {
                Tensor decoded = vae.decode(Transfers.upload(io.tensor("z"), dev.memory(), ws), dev, ws);
                assertArrayEquals(want[0], Transfers.floats(decoded, dev.memory()), "decode");
                Tensor mu = vae.encode(Transfers.upload(io.tensor("video"), dev.memory(), ws), dev, ws);
                assertArrayEquals(want[1], Transfers.floats(mu, dev.memory()), "encode");
            }
        }
    }

    private static List<Double> doubles(Tensor t) {
        List<Double> out = new ArrayList<>();
        for (double v : t.toDoubleArray()) {
            out.add(v);
        }
        return out;
    }
}
