package jdit.samplers;

import static jdit.samplers.TensorAsserts.assertCloseRel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdit.attention.DenseAttention;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.pipeline.ClassImagePipeline;
import jdit.pipeline.GenerationCancelledException;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.ImageJob;
import jdit.pipeline.StepProgress;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import org.junit.jupiter.api.Test;

/**
 * The class-image pipeline against DiT's own sampling loop (golden dit/): with the recorded initial latent and step
 * noise it reproduces the 10-step DDPM and DDIM trajectories of {@code sample.py}'s guided loop (the conditional half
 * of its doubled batch), then decodes them as the VAE does alone; progress arrives once per step and a cancellation
 * stops it between steps.
 */
class ClassImagePipelineTest {
    private static Path golden(String f) {
        return Path.of(System.getProperty("jdit.golden", "../testdata/golden")).resolve(f);
    }

    /** First draw: the recorded initial latent; draw i >= 1: step i-1's recorded noise; both cut to the first half. */
    private static NoiseSource replay(Tensor z, Tensor stepNoise) {
        int[] draw = {0};
        return out -> {
            long b = out.dim(0);
            Tensor src = draw[0] == 0 ? z : stepNoise.select(0, draw[0] - 1);
            draw[0]++;
            src.narrow(0, 0, b).copyTo(out);
        };
    }

    @Test
    void replaysDitSampleLoopsAndDecodes() {
        try (SafetensorsReader w = SafetensorsReader.open(golden("dit/dit_tiny.safetensors"));
             SafetensorsReader io = SafetensorsReader.open(golden("dit/dit_tiny_io.safetensors"));
             SafetensorsReader vw = SafetensorsReader.open(golden("sdvae/sdvae_tiny.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             DitModel dit = DitModel.load(w, DitConfigs.of(w)); SdVae vae = new SdVae(vw, SdVaeConfig.of(vw))) {
            Backend be = cpu.backend();
            ClassImagePipeline pipeline = new ClassImagePipeline(dit, vae, be);
            assertEquals(16, pipeline.imageSize());
            long[] classes = {io.tensor("cfg_y").toLongArray()[0], io.tensor("cfg_y").toLongArray()[1]};
            Tensor z = io.tensor("z");
            for (String name : new String[] {"ddpm", "ddim"}) {
                Sampler s = Samplers.byName(name).create(SamplerDefaults.dit().config().withSteps(10));
                List<StepProgress> seen = new ArrayList<>();
                ImageJob job = new ImageJob(classes, replay(z, io.tensor("ddpm10_noise")), s, true,
                        DitChannelGuidance.official(4f), new DenseAttention());
                Tensor images = pipeline.generate(job, new GenerationListener() {
                    @Override
                    public void stepDone(StepProgress p) {
                        seen.add(p);
                    }
                }, ws);
                assertEquals(10, seen.size());
                assertEquals(10, seen.get(9).done());
                Tensor want = io.tensor(name + "10").narrow(0, 0, 2).contiguous(ws);
                Tensor decodedWant = vae.decode(want, be, ws);
                assertEquals(decodedWant.shape(), images.shape());
                // 1e-4 relative on the latent trajectory, as the sampler golden tests; the decode keeps it
                assertCloseRel(decodedWant, images, 1e-4, name + " decoded");
                assertTrue(pipeline.peakActivationBytes() > 0);
            }
        }
    }

    @Test
    void cancellationStopsBetweenSteps() {
        try (SafetensorsReader w = SafetensorsReader.open(golden("dit/dit_tiny.safetensors"));
             SafetensorsReader vw = SafetensorsReader.open(golden("sdvae/sdvae_tiny.safetensors"));
             CpuBackend cpu = CpuBackend.create(1, true); Workspace ws = new Workspace();
             DitModel dit = DitModel.load(w, DitConfigs.of(w)); SdVae vae = new SdVae(vw, SdVaeConfig.of(vw))) {
            ClassImagePipeline pipeline = new ClassImagePipeline(dit, vae, cpu.backend());
            int[] steps = {0};
            ImageJob job = new ImageJob(new long[] {3}, new jdit.sampling.CounterNoise(1),
                    Samplers.byName("ddim").create(SamplerDefaults.dit().config().withSteps(10)), true,
                    DitChannelGuidance.official(4f), new DenseAttention());
            GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                    () -> pipeline.generate(job, new GenerationListener() {
                        @Override
                        public void stepDone(StepProgress p) {
                            steps[0]++;
                        }

                        @Override
                        public boolean cancelled() {
                            return steps[0] == 3;
                        }
                    }, ws));
            assertEquals(3, e.step());
            assertEquals(3, steps[0]);
        }
    }
}
