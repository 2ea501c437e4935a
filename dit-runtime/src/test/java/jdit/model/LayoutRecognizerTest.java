package jdit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdit.io.Checkpoints;
import jdit.io.StoredDType;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.tensor.Shape;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/** Recognition on the key listings of the real published checkpoints and on every golden weight file. */
class LayoutRecognizerTest {
    /** Reads a golden/keys listing: "name<TAB>[d0, d1, ...]" lines after a "#" comment. */
    private static List<TensorEntry> listing(String file) throws IOException {
        Path p = TestData.golden().resolve("keys").resolve(file);
        List<TensorEntry> out = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t");
            String dims = parts[1].replaceAll("[\\[\\] ]", "");
            long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray();
            out.add(new TensorEntry(parts[0], StoredDType.F32, Shape.of(shape), Shape.of(shape).numel() * 4, p));
        }
        return out;
    }

    @Test
    void realCheckpointListingsAreRecognisedWithTheirDimensions() throws IOException {
        Map<String, Object[]> cases = Map.of(
                "dit_xl2_256_original.txt", new Object[] {KnownLayout.DIT_ORIGINAL, "28 blocks, hidden 1152, patch 2, 4 input channels, 1000 classes"},
                "dit_xl2_256_diffusers.txt", new Object[] {KnownLayout.DIT_DIFFUSERS, "28 blocks, hidden 1152, patch 2"},
                "wan21_t2v_1.3B_original.txt", new Object[] {KnownLayout.WAN_ORIGINAL, "30 blocks, dim 1536, patch 1x2x2, 16 latent channels, ffn 8960, text dim 4096"},
                "wan21_t2v_1.3B_diffusers.txt", new Object[] {KnownLayout.WAN_DIFFUSERS, "30 blocks, dim 1536, patch 1x2x2, 16 latent channels, ffn 8960, text dim 4096"},
                "sd_vae_ft_mse_diffusers.txt", new Object[] {KnownLayout.SD_VAE, "4 latent channels, 4 up blocks, widest 512"},
                "wan21_vae_original.txt", new Object[] {KnownLayout.WAN_VAE_ORIGINAL, "16 latent channels, base dim 96"},
                "wan21_vae_diffusers.txt", new Object[] {KnownLayout.WAN_VAE_DIFFUSERS, "16 latent channels, base dim 96"});
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            Optional<LayoutMatch> m = LayoutRecognizer.recognise(listing(c.getKey()));
            assertTrue(m.isPresent(), c.getKey() + " not recognised");
            assertEquals(c.getValue()[0], m.get().layout(), c.getKey());
            assertTrue(m.get().details().contains((String) c.getValue()[1]), c.getKey() + ": " + m.get().details());
        }
    }

    @Test
    void goldenWeightFilesAreRecognised() {
        Map<String, KnownLayout> cases = Map.of(
                "dit/dit_tiny.safetensors", KnownLayout.DIT_ORIGINAL,
                "dit/dit_tiny_diffusers.safetensors", KnownLayout.DIT_DIFFUSERS,
                "latte/latte_tiny_uncond.safetensors", KnownLayout.LATTE_ORIGINAL,
                "latte/latte_tiny_classcond.safetensors", KnownLayout.LATTE_ORIGINAL,
                "wan/wan_tiny.safetensors", KnownLayout.WAN_ORIGINAL,
                "wan/wan_tiny_diffusers.safetensors", KnownLayout.WAN_DIFFUSERS,
                "sdvae/sdvae_tiny.safetensors", KnownLayout.SD_VAE,
                "sdvae/sdvae_tiny_legacy_attn_names.safetensors", KnownLayout.SD_VAE_LEGACY_ATTENTION,
                "wanvae/wanvae_tiny.safetensors", KnownLayout.WAN_VAE_ORIGINAL,
                "wanvae/wanvae_tiny_diffusers.safetensors", KnownLayout.WAN_VAE_DIFFUSERS);
        cases.forEach((file, layout) -> {
            try (WeightStore s = Checkpoints.open(TestData.golden().resolve(file))) {
                assertEquals(Optional.of(layout), LayoutRecognizer.recognise(s.entries()).map(LayoutMatch::layout), file);
            }
        });
    }

    @Test
    void inputOutputFixturesAndPlainTensorsAreNotMistakenForModels() {
        for (String file : List.of("dit/dit_tiny_io.safetensors", "wan/wan_tiny_io.safetensors", "sched/euler_10.safetensors")) {
            try (WeightStore s = Checkpoints.open(TestData.golden().resolve(file))) {
                assertEquals(Optional.empty(), LayoutRecognizer.recognise(s.entries()), file);
            }
        }
    }
}
