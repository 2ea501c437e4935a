package jdit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import jdit.io.diffusers.DiffusersFolder;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sharded diffusers folder holds exactly the tensors of the single golden file it was split from. */
class DiffusersFolderTest {
    @Test
    void shardsReassembleTheGoldenFileByteForByte() {
        Path folder = TestData.testdata().resolve("diffusers/dit_tiny_transformer");
        Path single = TestData.golden().resolve("dit/dit_tiny_diffusers.safetensors");
        try (WeightStore f = Checkpoints.open(folder); WeightStore g = Checkpoints.open(single)) {
            assertEquals(CheckpointFormat.DIFFUSERS_FOLDER, f.format());
            assertEquals(DiffusersFolder.class, f.getClass());
            assertEquals(g.entries().size(), f.entries().size());
            for (TensorEntry e : g.entries()) {
                assertEquals(e.shape(), f.entry(e.name()).orElseThrow().shape(), e.name());
                assertArrayEquals(g.tensor(e.name()).data().toArray(ValueLayout.JAVA_BYTE),
                        f.tensor(e.name()).data().toArray(ValueLayout.JAVA_BYTE), e.name());
            }
            assertEquals("DiTTransformer2DModel", f.config().orElseThrow().get("_class_name").getAsString());
            assertEquals(2, f.config().orElseThrow().get("num_layers").getAsInt());
        }
    }

    @Test
    void aHubFolderWithPrecisionVariantsReadsTheMainFileAndAPipelineFolderItsComponent(@TempDir Path dir) throws IOException {
        Path pipeline = dir.resolve("pipeline");
        Path vae = Files.createDirectories(pipeline.resolve("vae"));
        Path golden = TestData.golden().resolve("sdvae/sdvae_tiny.safetensors");
        Files.copy(golden, vae.resolve("diffusion_pytorch_model.safetensors"));
        Files.copy(TestData.golden().resolve("sdvae/sdvae_tiny_legacy_attn_names.safetensors"),
                vae.resolve("diffusion_pytorch_model.fp16.safetensors"));
        Files.writeString(vae.resolve("config.json"), "{\"_class_name\": \"AutoencoderKL\", \"block_out_channels\": [32, 64], "
                + "\"layers_per_block\": 2, \"scaling_factor\": 0.5}");
        Files.writeString(pipeline.resolve("model_index.json"), "{}");
        try (WeightStore w = Checkpoints.openComponent(pipeline, "vae")) {
            assertEquals(CheckpointFormat.DIFFUSERS_FOLDER, w.format());
            assertTrue(w.entry("decoder.mid_block.attentions.0.to_q.weight").isPresent(), "the main file, not the variant");
            assertEquals(0.5, w.config().orElseThrow().get("scaling_factor").getAsDouble());
        }
        assertTrue(Checkpoints.hasComponent(pipeline, "vae"));
        assertFalse(Checkpoints.hasComponent(vae, "vae"));
    }
}
