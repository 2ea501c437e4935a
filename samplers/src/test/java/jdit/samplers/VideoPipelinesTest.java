package jdit.samplers;

import static jdit.samplers.TensorAsserts.assertClose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionStep;
import jdit.attention.DenseAttention;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.SeededWeights;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.latte.LatteConfig;
import jdit.model.latte.LatteModel;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.model.wan.WanParameters;
import jdit.pipeline.ClassVideoPipeline;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.TextVideoPipeline;
import jdit.pipeline.VideoJob;
import jdit.sampling.CounterNoise;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import jdit.vae.sd.SdVaeFrames;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeConfig;
import jdit.vae.wan.WanVaeFrames;
import org.junit.jupiter.api.Test;

/**
 * The video pipelines against loops written out here from the models' own forwards: flow-matching Euler
 * (x += (σ_next − σ)·v) for Wan2.1 with classifier-free guidance as two passes, and DDIM for Latte in its
 * [B, F, C, H, W] layout; the streamed frames equal the whole decode of the final latent.
 */
class VideoPipelinesTest {
    private static Path golden(String f) {
        return Path.of(System.getProperty("jdit.golden", "../testdata/golden")).resolve(f);
    }

    @Test
    void wanPipelineIsFlowEulerWithTwoGuidancePasses() {
        WanConfig c = new WanConfig(1, 2, 2, 16, 4, 64, 128, 32, 24, 4, 4, 2, 1e-6);
        try (SeededWeights w = new SeededWeights(WanParameters.originalLayout(c), 5);
             SafetensorsReader vw = SafetensorsReader.open(golden("wanvae/wanvae_tiny.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             WanModel wan = WanModel.load(w, c, DType.F32); WanVae vae = new WanVae(vw, WanVaeConfig.of(vw))) {
            Backend be = cpu.backend();
            Tensor text = Tensor.allocate(Arena.ofAuto(), DType.F32, 7, 24);
            new CounterNoise(1).next(text);
            Tensor negative = Tensor.allocate(Arena.ofAuto(), DType.F32, 5, 24);
            new CounterNoise(2).next(negative);
            SamplerConfig sc = SamplerConfig.linear(3).withShift(5);
            List<Tensor> chunks = new ArrayList<>();
            TextVideoPipeline p = new TextVideoPipeline(wan, new WanVaeFrames(vae), be);
            VideoJob job = new VideoJob(text, negative, 5, 32, 48, new CounterNoise(9), Samplers.byName("flow-euler").create(sc),
                    new jdit.sampling.guidance.ClassifierFreeGuidance(5f), new DenseAttention());
            Tensor latent = p.generate(job, GenerationListener.NONE, (frames, first) -> chunks.add(ws.copy(frames)), ws);

            Sampler ref = Samplers.byName("flow-euler").create(sc);
            Tensor x = ws.allocate(DType.F32, 1, 4, 2, 4, 6);
            new CounterNoise(9).next(x);
            Tensor cond = wan.embedText(text, be, ws).unsqueeze(0);
            Tensor uncond = wan.embedText(negative, be, ws).unsqueeze(0);
            for (int i = 0; i < 3; i++) {
                double[] t = {ref.timesteps()[i]};
                Tensor vc = wan.forward(x, t, cond, AttentionStep.dense(t[0]), be, ws);
                Tensor vu = wan.forward(x, t, uncond, AttentionStep.dense(t[0]), be, ws);
                double dSigma = ref.sigmas()[i + 1] - ref.sigmas()[i];
                for (long k = 0; k < x.numel(); k++) {
                    double v = vu.getDoubleAt(k) + 5 * (vc.getDoubleAt(k) - vu.getDoubleAt(k));
                    x.setDoubleAt(k, x.getDoubleAt(k) + dSigma * v);
                }
            }
            assertClose(x, latent, 1e-5, 1e-5, "final latent");
            Tensor whole = vae.decode(latent, be, ws);
            WanVae.clampToUnit(whole, be, ws);
            assertEquals(2, chunks.size());
            assertEquals(5, chunks.get(0).dim(2) + chunks.get(1).dim(2));
            assertClose(whole.narrow(2, 0, 1), chunks.get(0), 0, 0, "first chunk");
            assertClose(whole.narrow(2, 1, 4), chunks.get(1), 0, 0, "second chunk");
            assertThrows(IllegalArgumentException.class, () -> p.latentShape(6, 32, 48));
            assertThrows(IllegalArgumentException.class, () -> p.latentShape(5, 32, 40));
        }
    }

    @Test
    void lattePipelineIsDdimInTheModelsOwnLayout() {
        try (SafetensorsReader w = SafetensorsReader.open(golden("latte/latte_tiny_uncond.safetensors"));
             SafetensorsReader vw = SafetensorsReader.open(golden("sdvae/sdvae_tiny.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             LatteModel latte = LatteModel.load(w, LatteConfig.of(w)); SdVae vae = new SdVae(vw, SdVaeConfig.of(vw))) {
            Backend be = cpu.backend();
            SamplerConfig sc = SamplerConfig.linear(3);
            List<Tensor> frames = new ArrayList<>();
            ClassVideoPipeline p = new ClassVideoPipeline(latte, new SdVaeFrames(vae), be);
            Tensor latent = p.generate(0, new CounterNoise(4), Samplers.byName("ddim").create(sc), false, null,
                    new DenseAttention(), GenerationListener.NONE, (f, first) -> frames.add(ws.copy(f)), ws);

            Sampler ref = Samplers.byName("ddim").create(sc);
            Tensor xm = ws.allocate(DType.F32, 1, 4, 4, 8, 8); // channel-major, as the noise is drawn
            new CounterNoise(4).next(xm);
            Tensor x = ws.copy(xm.transpose(1, 2)); // Latte's [B, F, C, H, W]
            for (int i = 0; i < 3; i++) {
                Tensor out = latte.forward(x, new double[] {ref.timesteps()[i]}, null, be, ws); // [1, F, 8, H, W]
                Tensor eps = ws.copy(out.narrow(2, 0, 4).transpose(1, 2)); // -> [1, C, F, H, W]
                Tensor cm = ws.copy(x.transpose(1, 2));
                ref.step(eps, i, cm, null, be, ws);
                cm.transpose(1, 2).copyTo(x);
            }
            assertClose(ws.copy(x.transpose(1, 2)), latent, 1e-5, 1e-5, "final latent");
            assertEquals(4, frames.size());
            for (int f = 0; f < 4; f++) {
                Tensor img = vae.decode(ws.copy(latent.select(2, f)), be, ws);
                assertClose(img, frames.get(f).select(2, 0), 0, 0, "frame " + f);
            }
        }
    }
}
