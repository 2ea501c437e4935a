package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import jdit.api.DiffusionModel;
import org.junit.jupiter.api.Test;

/** The library API selects token density by the same names as {@code --density} (flex comes from sparse/). */
class ApiDensityTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    @Test
    void aRequestSelectsTheTokenDensity() {
        try (DiffusionModel model = DiffusionModel.load(GOLDEN.resolve("dit/dit_tiny.safetensors"),
                GOLDEN.resolve("sdvae/sdvae_tiny.safetensors"), 2, jdit.tensor.DType.F32)) {
            var base = model.request().classLabel(3).seed(7).steps(4).sampler("ddim");
            float[] dense = model.generate(base.build()).frames().getFirst().rgb();
            float[] flat = model.generate(base.density("flex:layers=0-1,schedule=1@1").build()).frames().getFirst().rgb();
            float[] pooled = model.generate(base.density("flex:layers=0-1,schedule=2@1").build()).frames().getFirst().rgb();
            assertArrayEquals(dense, flat, 0f, "density 1 everywhere is the dense image");
            assertFalse(Arrays.equals(dense, pooled), "pooled blocks change it");
        }
    }
}
