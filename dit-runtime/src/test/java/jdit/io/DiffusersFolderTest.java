package jdit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import jdit.io.diffusers.DiffusersFolder;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

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
}
