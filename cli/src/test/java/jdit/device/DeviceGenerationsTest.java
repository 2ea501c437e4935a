package jdit.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionMethods;
import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.backend.cpu.CpuBackend;
import jdit.density.TokenDensities;
import jdit.io.SeededWeights;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.model.wan.WanParameters;
import jdit.pipeline.ClassImagePipeline;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.ImageJob;
import jdit.pipeline.TextVideoPipeline;
import jdit.pipeline.VideoJob;
import jdit.sampling.CounterNoise;
import jdit.sampling.SamplerConfig;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.sampling.guidance.ClassifierFreeGuidance;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.StrictDevice;
import jdit.testing.TestData;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeConfig;
import jdit.vae.wan.WanVaeFrames;
import org.junit.jupiter.api.Test;

/**
 * Whole generations on a device: the text-to-video pipeline (Wan2.1, seeded weights, golden Wan VAE) with every sparse
 * method and with token density, and the class-image pipeline (golden DiT and SD VAE), each run through
 * {@link StrictDevice} (a host read of any activation, weight or latent throws) and on the plain CPU backend. The
 * latents and the decoded frames agree bit for bit: the same kernels run underneath, and the device paths (NABLA's
 * pooling, the row gathers, the uploads) compute exactly what the host paths do.
 */
class DeviceGenerationsTest {
    private static final WanConfig WAN = new WanConfig(1, 2, 2, 16, 4, 64, 128, 32, 24, 4, 4, 2, 1e-6);

    private static Path golden(String f) {
        return TestData.golden().resolve(f);
    }

    /** The final latent and the decoded frames of one text-to-video generation on {@code be}, downloaded. */
    private static float[][] video(Backend be, String method, String density, SeededWeights weights, SafetensorsReader vw) {
        try (WanModel wan = WanModel.load(weights, WAN, DType.F32, be.memory());
             WanVae vae = new WanVae(vw, WanVaeConfig.of(vw), be.memory()); Workspace out = be.memory().workspace()) {
            Tensor text = Tensor.allocate(Arena.ofAuto(), DType.F32, 7, 24);
            new CounterNoise(1).next(text);
            List<float[]> frames = new ArrayList<>();
            VideoJob job = new VideoJob(text, null, 5, 128, 128, new CounterNoise(9),
                    Samplers.byName("flow-unipc").create(SamplerConfig.linear(2).withShift(5)), new ClassifierFreeGuidance(5f),
                    AttentionMethods.create(method), TokenDensities.create(density));
            Tensor latent = new TextVideoPipeline(wan, new WanVaeFrames(vae), be).generate(job, GenerationListener.NONE,
                    (chunk, first) -> frames.add(chunk.toFloatArray()), out);
            float[] pixels = frames.stream().map(f -> f.length).reduce(0, Integer::sum) == 0 ? new float[0] : concat(frames);
            return new float[][] {Transfers.floats(latent, be.memory()), pixels};
        }
    }

    private static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void everySparseMethodAndTokenDensityGenerateTheSameVideoOnTheDevice() {
        String[][] runs = {{"dense", "dense"}, {"nabla:thr=0.5,sta=1x1x1", "dense"},
                {"sta:3x1x1,warmup=1", "dense"}, {"svg:steps=0,layers=0,rows=8", "dense"}, {"lite:thr=-2", "dense"},
                {"nabla+lite:thr=-3,exact", "dense"}, {"dense", "flex:layers=0-1,schedule=2@0.5"}};
        try (SeededWeights w = new SeededWeights(WanParameters.originalLayout(WAN), 5);
             SafetensorsReader vw = SafetensorsReader.open(golden("wanvae/wanvae_tiny.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true)) {
            Backend device = StrictDevice.over(cpu.backend());
            for (String[] run : runs) {
                String what = run[0] + " / " + run[1];
                float[][] want = video(cpu.backend(), run[0], run[1], w, vw);
                float[][] got = video(device, run[0], run[1], w, vw);
                assertEquals(3L * 5 * 128 * 128, want[1].length, what + ": every frame decoded");
                assertArrayEquals(want[0], got[0], what + ": latent");
                assertArrayEquals(want[1], got[1], what + ": frames");
            }
        }
    }

    @Test
    void theClassImagePipelineGeneratesTheSameImagesOnTheDevice() {
        try (SafetensorsReader w = SafetensorsReader.open(golden("dit/dit_tiny.safetensors"));
             SafetensorsReader vw = SafetensorsReader.open(golden("sdvae/sdvae_tiny.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true)) {
            Backend device = StrictDevice.over(cpu.backend());
            for (String density : new String[] {"dense", "flex:layers=0-1,schedule=2@0.5"}) {
                float[] want = image(cpu.backend(), density, w, vw);
                assertArrayEquals(want, image(device, density, w, vw), density);
            }
        }
    }

    private static float[] image(Backend be, String density, SafetensorsReader w, SafetensorsReader vw) {
        try (DitModel dit = DitModel.load(w, DitConfigs.of(w), DType.F32, be.memory());
             SdVae vae = new SdVae(vw, SdVaeConfig.of(vw), be.memory()); Workspace out = be.memory().workspace()) {
            ImageJob job = new ImageJob(new long[] {1, 3}, new CounterNoise(4),
                    Samplers.byName("ddpm").create(SamplerDefaults.dit().config().withSteps(3)), true,
                    DitChannelGuidance.official(4f), AttentionMethods.create("dense"), TokenDensities.create(density));
            return Transfers.floats(new ClassImagePipeline(dit, vae, be).generate(job, GenerationListener.NONE, out), be.memory());
        }
    }
}
