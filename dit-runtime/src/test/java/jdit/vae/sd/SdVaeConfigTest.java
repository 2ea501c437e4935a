package jdit.vae.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import jdit.io.CheckpointException;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/** The stored config and the one read off the shapes agree on the golden VAE; a DiT file is no VAE. */
class SdVaeConfigTest {
    @Test
    void storedConfigAndShapesAgree() {
        try (WeightStore w = Checkpoints.open(TestData.golden().resolve("sdvae/sdvae_tiny.safetensors"))) {
            SdVaeConfig c = SdVaeConfig.of(w);
            assertEquals(new SdVaeConfig(List.of(32, 64), 2, 32, 4, 0.18215f), c);
            assertEquals(c, SdVaeConfig.fromShapes(w));
            assertEquals(2, c.downscale());
        }
    }

    @Test
    void aDitCheckpointIsNotAVae() {
        try (WeightStore w = Checkpoints.open(TestData.golden().resolve("dit/dit_tiny.safetensors"))) {
            assertThrows(CheckpointException.class, () -> SdVaeConfig.fromShapes(w));
        }
    }
}
