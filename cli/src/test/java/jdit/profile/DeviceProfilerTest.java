package jdit.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jdit.backend.Backend;
import jdit.backend.DeviceBackend;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.DType;
import jdit.testing.StrictDevice;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * {@code jdit profile --device}: the profiler on a device (the model, its VAE, the warm-up, the plans, the fidelity
 * scores) through {@link StrictDevice}, against the same profile on the CPU: what does not depend on time (densities,
 * PSNR and SSIM against dense, FLOPs per step) is equal, except that Sparse VideoGen's profiling products run as
 * backend ops on a device and are counted there.
 */
class DeviceProfilerTest {
    private static final Path GOLDEN = TestData.golden();

    private static ProfileReport profile(ProfiledModels.Spec spec, List<String> methods, DeviceBackend device) {
        try (ProfiledModel m = ProfiledModels.open(spec, device.backend().memory())) {
            return new Profiler(m, new ProfileOptions(2, methods, 0, 2)).run(ProfileOptions.Progress.NONE, device);
        }
    }

    private static void assertSameMeasures(ProfileReport cpu, ProfileReport dev) {
        assertEquals(cpu.methods().size(), dev.methods().size());
        for (int i = 0; i < cpu.methods().size(); i++) {
            ProfileReport.MethodProfile a = cpu.methods().get(i);
            ProfileReport.MethodProfile b = dev.methods().get(i);
            assertEquals(a.spec(), b.spec());
            assertEquals(a.psnr(), b.psnr(), a.spec() + " psnr");
            assertEquals(a.ssim(), b.ssim(), a.spec() + " ssim");
            assertEquals(a.identicalToDense(), b.identicalToDense(), a.spec());
            for (int s = 0; s < a.steps().size(); s++) {
                assertEquals(a.steps().get(s).density(), b.steps().get(s).density(), a.spec() + " density of step " + s);
                if (a.spec().startsWith("svg")) {
                    assertTrue(b.steps().get(s).gflop() > a.steps().get(s).gflop(), "svg's profiling products are counted");
                } else {
                    assertEquals(a.steps().get(s).gflop(), b.steps().get(s).gflop(), 1e-9, a.spec() + " GFLOP of step " + s);
                }
            }
        }
    }

    @Test
    void wanAndDitWithItsVaeProfileTheSameOnTheDevice() {
        var wan = new ProfiledModels.Spec(GOLDEN.resolve("wan/wan_tiny.safetensors"), null, 0, 5, 128, 128, null, DType.F32);
        var dit = new ProfiledModels.Spec(GOLDEN.resolve("dit/dit_tiny.safetensors"), null, 0, 1, 0, 0,
                GOLDEN.resolve("sdvae/sdvae_tiny.safetensors"), DType.F32);
        try (CpuBackend cpu = CpuBackend.create(2, true)) {
            Backend strict = StrictDevice.over(cpu.backend());
            DeviceBackend host = DeviceBackend.of(cpu.backend(), "cpu");
            DeviceBackend device = DeviceBackend.of(strict, "strict device");
            List<String> methods = List.of("sta:1x1x1,warmup=1", "nabla", "svg:steps=0,layers=0,rows=8");
            ProfileReport onDevice = profile(wan, methods, device);
            assertEquals(0.0, onDevice.machine().fmaGflops(), "no FMA ceiling is measured on a device");
            assertSameMeasures(profile(wan, methods, host), onDevice);
            assertSameMeasures(profile(dit, List.of("dense", "lite"), host), profile(dit, List.of("dense", "lite"), device));
        }
    }
}
