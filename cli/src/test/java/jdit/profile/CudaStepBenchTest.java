package jdit.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.backend.cuda.CudaProbe;
import jdit.model.wan.WanConfig;
import jdit.tensor.DType;
import jdit.testing.StrictDevice;
import org.junit.jupiter.api.Test;

/**
 * The per-step benchmark's loop on a tiny Wan2.1 through the strict device double (the loop a GPU runs, with every host
 * read refused), and its skip message where no GPU can be used.
 */
class CudaStepBenchTest {
    @Test
    void timesGuidedStepsPerMethodOnADevice() {
        WanConfig tiny = new WanConfig(1, 2, 2, 16, 4, 64, 128, 32, 24, 4, 4, 2, 1e-6);
        try (CpuBackend cpu = CpuBackend.create(2, true)) {
            Backend device = StrictDevice.over(cpu.backend());
            var o = new CudaStepBench.Options(0, null, List.of("nabla", "sta:1x1x1,warmup=0"), 2, 1, 2, 16, 16);
            List<CudaStepBench.Row> rows = CudaStepBench.run(o, tiny, DType.BF16, device);
            assertEquals(3, rows.size());
            assertEquals("dense", rows.getFirst().method());
            assertEquals(1.0, rows.getFirst().density(), 1e-12, "dense computes every tile");
            assertTrue(rows.get(2).density() < 1, "sta keeps a window: " + rows.get(2).density());
            rows.forEach(r -> assertTrue(r.secondsPerStep() > 0, r.toString()));
            assertTrue(CudaStepBench.render(rows).contains("nabla"), CudaStepBench.render(rows));
        }
    }

    @Test
    void saysWhyItCannotRunWithoutAGpu() {
        var none = new CudaProbe.Result(0, "no jnicudart in java.library.path");
        assertEquals("seconds per step of Wan2.1-1.3B at 81x832x480: skipped, no usable GPU (no jnicudart in java.library.path)",
                CudaStepBench.unavailable(none).orElseThrow());
        assertTrue(CudaStepBench.unavailable(new CudaProbe.Result(1, "")).isEmpty());
    }
}
