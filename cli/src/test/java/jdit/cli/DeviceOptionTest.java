package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jdit.backend.DeviceChoice;
import jdit.backend.cuda.CudaProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device} of generate and profile: parsing, the default, and the errors a user sees. */
class DeviceOptionTest {
    private static final CudaProbe.Result NO_GPU = new CudaProbe.Result(0, "no jnicudart in java.library.path");
    private static final Path DIT = jdit.testing.TestData.golden().resolve("dit/dit_tiny.safetensors");
    private static final Path VAE = jdit.testing.TestData.golden().resolve("sdvae/sdvae_tiny.safetensors");

    @Test
    void theDefaultIsTheGpuWhenOneIsFoundElseTheCpu() {
        assertEquals(DeviceChoice.CPU, DeviceOption.resolve(null, NO_GPU));
        assertEquals(DeviceChoice.cuda(0), DeviceOption.resolve(null, new CudaProbe.Result(1, "")));
        DeviceOption none = new DeviceOption();
        assertEquals(CudaProbe.available() ? DeviceChoice.cuda(0) : DeviceChoice.CPU, none.resolve());
        none.device = "cuda:1";
        assertEquals(DeviceChoice.cuda(1), DeviceOption.resolve(DeviceChoice.parse(none.device), new CudaProbe.Result(2, "")));
    }

    @Test
    void cudaWithoutAGpuNamesTheFlagAndTheProbesReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceOption.resolve(DeviceChoice.cuda(0), NO_GPU));
        assertEquals("--device cuda:0: device cuda:0 is not usable: no jnicudart in java.library.path", e.getMessage());
    }

    @Test
    void generateRunsOnTheCpuWhenAskedAndRefusesBadDevices(@TempDir Path dir) {
        CliRun cpu = CliRun.of("generate", "--model", DIT.toString(), "--vae", VAE.toString(), "--class", "3", "--steps", "2", "--device", "cpu",
                "--threads", "2", "-o", dir.resolve("a.png").toString());
        assertEquals(0, cpu.code(), cpu.err());
        assertTrue(cpu.err().contains("on cpu, 2 threads"), cpu.err());
        CliRun bad = CliRun.of("generate", "--model", DIT.toString(), "--vae", VAE.toString(), "--device", "gpu",
                "-o", dir.resolve("b.png").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("unknown device 'gpu': use cpu, cuda or cuda:N"), bad.err());
        if (!CudaProbe.available()) {
            CliRun cuda = CliRun.of("generate", "--model", DIT.toString(), "--vae", VAE.toString(), "--device", "cuda:1",
                    "-o", dir.resolve("c.png").toString());
            assertEquals(1, cuda.code());
            assertTrue(cuda.err().contains("--device cuda:1: device cuda:1 is not usable: " + CudaProbe.result().reason()),
                    cuda.err());
        }
    }

    @Test
    void profileTakesTheSameFlag(@TempDir Path dir) {
        CliRun bad = CliRun.of("profile", "--device", "cuda:x", "-o", dir.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("unknown device 'cuda:x'"), bad.err());
    }

    @Test
    void theLibraryLoadsOnTheChosenDevice() {
        byte[] plain;
        try (jdit.api.DiffusionModel m = jdit.api.DiffusionModel.load(DIT, VAE, 2, jdit.tensor.DType.F32)) {
            assertEquals(DeviceChoice.CPU, m.device());
            plain = m.generate(m.request().classLabel(3).seed(7).steps(2).build()).frames().getFirst().toRgb8();
        }
        try (jdit.api.DiffusionModel m = jdit.api.DiffusionModel.load(DIT, VAE, 2, jdit.tensor.DType.F32, DeviceChoice.CPU, null)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(plain,
                    m.generate(m.request().classLabel(3).seed(7).steps(2).build()).frames().getFirst().toRgb8());
        }
        if (!CudaProbe.available()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> jdit.api.DiffusionModel.load(DIT, VAE, 2, jdit.tensor.DType.F32, DeviceChoice.cuda(0), DeviceOption.cudaOptions()));
            assertEquals("device cuda:0 is not usable: " + CudaProbe.result().reason(), e.getMessage());
        }
    }
}
