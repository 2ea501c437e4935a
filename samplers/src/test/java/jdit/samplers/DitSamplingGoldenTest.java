package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitModel;
import jdit.samplers.guidance.DitChannelGuidance;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.Test;

/**
 * DiT's own guided forward (facebookresearch/DiT {@code forward_with_cfg} at scale 4, guidance on 3 channels) on the
 * tiny golden model. The 10-step DDPM replay of {@code ddpm10} comes with the generation pipeline (issue 4).
 */
class DitSamplingGoldenTest {
    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(Path.of(System.getProperty("jdit.golden", "../testdata/golden")).resolve("dit/" + name));
    }

    /** forward_with_cfg: both halves get the guided first 3 channels; the other channels stay each half's own. */
    private static Tensor forwardWithCfg(DitModel m, Tensor x, double[] t, long[] y, Backend be, Workspace ws) {
        Tensor out = m.forward(x, t, y, be, ws); // [2B, 8, H, W]: conditional half, then unconditional half
        long half = x.dim(0) / 2;
        Tensor cond = out.narrow(0, 0, half);
        Tensor uncond = out.narrow(0, half, half);
        Tensor guidedCond = ws.allocate(DType.F32, cond.shape());
        DitChannelGuidance.official(4f).combine(cond, uncond, 0, guidedCond, be.pointwise());
        Tensor result = ws.allocate(DType.F32, out.shape());
        out.copyTo(result);
        guidedCond.narrow(1, 0, 3).copyTo(result.narrow(0, 0, half).narrow(1, 0, 3));
        guidedCond.narrow(1, 0, 3).copyTo(result.narrow(0, half, half).narrow(1, 0, 3));
        return result;
    }

    private static void assertCloseRel(Tensor want, Tensor got, double rel, String what) {
        double scale = 0;
        for (long i = 0; i < want.numel(); i++) {
            scale = Math.max(scale, Math.abs(want.getDoubleAt(i)));
        }
        for (long i = 0; i < want.numel(); i++) {
            double d = Math.abs(want.getDoubleAt(i) - got.getDoubleAt(i));
            assertTrue(d <= rel * scale, what + " element " + i + ": got " + got.getDoubleAt(i) + ", want " + want.getDoubleAt(i));
        }
    }

    @Test
    void guidedForwardMatchesForwardWithCfg() {
        try (SafetensorsReader w = open("dit_tiny.safetensors"); SafetensorsReader io = open("dit_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            DitConfig cfg = DitConfig.fromJson(w.metadata().get("config"));
            try (DitModel model = DitModel.load(w, cfg)) {
                Backend be = cpu.backend();
                long[] y = io.tensor("cfg_y").toLongArray();
                Tensor z = io.tensor("z");
                Tensor cfgOut = forwardWithCfg(model, z, io.tensor("cfg_t").toDoubleArray(), y, be, ws);
                assertCloseRel(io.tensor("cfg_out"), cfgOut, 1e-5, "cfg_out");

            }
        }
    }
}
