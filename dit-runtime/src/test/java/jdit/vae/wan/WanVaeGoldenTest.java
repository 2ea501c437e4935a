package jdit.vae.wan;

import static jdit.testing.Tensors.assertClose;

import java.util.ArrayList;
import java.util.List;
import jdit.backend.Backend;
import jdit.backend.Backends;
import jdit.backend.cpu.CpuBackend;
import jdit.io.WeightStore;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The Wan VAE against the official WanVAE_ (golden wanvae/, tiny model, 3 latent frames to 9 video frames, so the
 * first-chunk rules are covered), in both key layouts: decode before the clamp, the clamped video, and the
 * normalised encoder mean of
 * the fixture's input video.
 */
class WanVaeGoldenTest {
    private static final String[] FILES = {"wanvae_tiny.safetensors", "wanvae_tiny_diffusers.safetensors"};

    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(TestData.golden().resolve("wanvae/" + name));
    }

    /** The fixture's config with the latent statistics the oracle used. */
    static WanVaeConfig config(WeightStore weights, WeightStore io) {
        return WanVaeConfig.of(weights).withLatents(doubles(io.tensor("latents_mean")), doubles(io.tensor("latents_std")));
    }

    private static List<Double> doubles(Tensor t) {
        List<Double> out = new ArrayList<>();
        for (double v : t.toDoubleArray()) {
            out.add(v);
        }
        return out;
    }

    @Test
    void decodeAndEncodeMatchTheOfficialModelInBothLayoutsOnTheCpu() {
        for (String file : FILES) {
            try (SafetensorsReader weights = open(file); SafetensorsReader io = open("wanvae_tiny_io.safetensors");
                 CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
                 WanVae vae = new WanVae(weights, config(weights, io))) {
                check(vae, io, cpu.backend(), ws, file + " cpu");
            }
        }
    }

    @Test
    void thePublishedPickleFormatDecodesTheSame() {
        // testdata/torch/wanvae_tiny_original.pth: the golden weights saved with torch.save as a plain state dict, the
        // way Wan2.1_VAE.pth is stored (tools/make_torch_fixtures.py); no metadata, so the config comes from the shapes
        try (WeightStore pth = jdit.io.Checkpoints.open(TestData.testdata().resolve("torch/wanvae_tiny_original.pth"));
             SafetensorsReader io = open("wanvae_tiny_io.safetensors"); CpuBackend cpu = CpuBackend.create(2, true);
             Workspace ws = new Workspace(); WanVae vae = new WanVae(pth, config(pth, io))) {
            assertClose(io.tensor("decoded"), vae.decode(io.tensor("z"), cpu.backend(), ws), 1e-5, 1e-5, ".pth decoded");
        }
    }

    /** The double-precision reference backend as an independent check of the kernels (decode only: it is slow). */
    @Test
    void decodeMatchesOnTheReferenceBackend() {
        try (SafetensorsReader weights = open(FILES[0]); SafetensorsReader io = open("wanvae_tiny_io.safetensors");
             Workspace ws = new Workspace(); WanVae vae = new WanVae(weights, config(weights, io))) {
            assertClose(io.tensor("decoded"), vae.decode(io.tensor("z"), Backends.reference(), ws), 1e-5, 1e-5, "reference");
        }
    }

    private static void check(WanVae vae, WeightStore io, Backend be, Workspace ws, String what) {
        Tensor decoded = vae.decode(io.tensor("z"), be, ws);
        assertClose(io.tensor("decoded"), decoded, 1e-5, 1e-5, what + " decoded");
        WanVae.clampToUnit(decoded, be, ws);
        Tensor want = io.tensor("decoded").to(jdit.tensor.DType.F32, ws);
        for (long i = 0; i < want.numel(); i++) {
            want.setDoubleAt(i, Math.clamp(want.getDoubleAt(i), -1, 1));
        }
        assertClose(want, decoded, 1e-5, 1e-5, what + " clamped");
        assertClose(io.tensor("encoded_mu_normalized"), vae.encode(io.tensor("video"), be, ws), 1e-5, 1e-5, what + " encoded");
    }
}
