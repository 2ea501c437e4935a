package jdit.vae.sd;

import static jdit.testing.Tensors.assertClose;

import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/** The SD VAE decoder and encoder against diffusers' AutoencoderKL (golden sdvae/), with both attention key namings. */
class SdVaeGoldenTest {
    @Test
    void decodeAndEncodeMatchDiffusersWithCurrentAndLegacyNames() {
        for (String file : new String[] {"sdvae_tiny.safetensors", "sdvae_tiny_legacy_attn_names.safetensors"}) {
            try (SafetensorsReader weights = SafetensorsReader.open(TestData.golden().resolve("sdvae/" + file));
                 SafetensorsReader io = SafetensorsReader.open(TestData.golden().resolve("sdvae/sdvae_tiny_io.safetensors"));
                 CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
                 SdVae vae = new SdVae(weights, SdVaeConfig.of(weights))) {
                assertClose(io.tensor("decoded"), vae.decode(io.tensor("z"), cpu.backend(), ws), 1e-5, 1e-5, file);
                jdit.tensor.Tensor[] post = vae.encode(io.tensor("image"), cpu.backend(), ws);
                assertClose(io.tensor("enc_mean"), post[0], 1e-5, 1e-5, file + " mean");
                assertClose(io.tensor("enc_logvar"), post[1], 1e-5, 1e-5, file + " logvar");
            }
        }
    }
}
