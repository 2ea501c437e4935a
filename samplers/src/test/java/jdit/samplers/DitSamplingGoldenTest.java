package jdit.samplers;

import static jdit.samplers.TensorAsserts.assertCloseRel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitModel;
import jdit.sampling.BetaSchedule;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.Samplers;
import jdit.sampling.SigmaSpacing;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.Test;

/**
 * DiT's own guided forward (facebookresearch/DiT {@code forward_with_cfg} at scale 4, guidance on 3 channels) on the
 * tiny golden model, the 10-step respaced DDPM with learned variance replaying the recorded noise, and the 10-step DDIM.
 */
class DitSamplingGoldenTest {
    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(Path.of(System.getProperty("jdit.golden", "../testdata/golden")).resolve("dit/" + name));
    }

    /**
     * forward_with_cfg: the model sees the first half of x twice ([x_half; x_half], the second half of x is ignored),
     * both halves get the guided first 3 channels, and the other channels stay each half's own.
     */
    private static Tensor forwardWithCfg(DitModel m, Tensor x, double[] t, long[] y, Backend be, Workspace ws) {
        long half = x.dim(0) / 2;
        Tensor combined = ws.allocate(DType.F32, x.shape());
        x.narrow(0, 0, half).copyTo(combined.narrow(0, 0, half));
        x.narrow(0, 0, half).copyTo(combined.narrow(0, half, half));
        Tensor out = m.forward(combined, t, y, be, ws); // [2B, 8, H, W]: conditional half, then unconditional half
        Tensor cond = out.narrow(0, 0, half);
        Tensor uncond = out.narrow(0, half, half);
        Tensor guidedCond = ws.allocate(DType.F32, cond.shape());
        DitChannelGuidance.official(4f).combine(cond, uncond, 0, guidedCond, be, ws);
        Tensor result = ws.allocate(DType.F32, out.shape());
        out.copyTo(result);
        guidedCond.narrow(1, 0, 3).copyTo(result.narrow(0, 0, half).narrow(1, 0, 3));
        guidedCond.narrow(1, 0, 3).copyTo(result.narrow(0, half, half).narrow(1, 0, 3));
        return result;
    }

    @Test
    void guidedForwardAndTenStepDdpmReplay() {
        try (SafetensorsReader w = open("dit_tiny.safetensors"); SafetensorsReader io = open("dit_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            DitConfig cfg = DitConfig.fromJson(w.metadata().get("config"));
            try (DitModel model = DitModel.load(w, cfg)) {
                Backend be = cpu.backend();
                long[] y = io.tensor("cfg_y").toLongArray();
                Tensor z = io.tensor("z");
                Tensor cfgOut = forwardWithCfg(model, z, io.tensor("cfg_t").toDoubleArray(), y, be, ws);
                assertCloseRel(io.tensor("cfg_out"), cfgOut, 1e-5, "cfg_out");

                Sampler s = Samplers.byName("ddpm").create(new SamplerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02, 10,
                        1, 0, true, SigmaSpacing.DEFAULT));
                Tensor x = ws.allocate(DType.F32, z.shape());
                z.copyTo(x);
                Tensor noise = io.tensor("ddpm10_noise");
                int[] draw = {0};
                for (int i = 0; i < 10; i++) {
                    double[] t = new double[(int) x.dim(0)];
                    java.util.Arrays.fill(t, s.timesteps()[i]);
                    Tensor out = forwardWithCfg(model, x, t, y, be, ws);
                    s.step(out, i, x, o -> noise.select(0, draw[0]++).copyTo(o), be, ws);
                }
                assertCloseRel(io.tensor("ddpm10"), x, 1e-4, "ddpm10");

                // DiT's ddim_sample_loop (eta 0) over the same respaced process, through the "ddim" name
                Sampler d = Samplers.byName("ddim").create(new SamplerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02, 10,
                        1, 0, true, SigmaSpacing.DEFAULT));
                z.copyTo(x);
                for (int i = 0; i < 10; i++) {
                    double[] t = new double[(int) x.dim(0)];
                    java.util.Arrays.fill(t, d.timesteps()[i]);
                    d.step(forwardWithCfg(model, x, t, y, be, ws), i, x, null, be, ws);
                }
                assertCloseRel(io.tensor("ddim10"), x, 1e-4, "ddim10");

            }
        }
    }
}
