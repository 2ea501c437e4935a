package jdit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.testing.TestData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fixture under the golden root loads with valid dtypes, shapes and ranges, and its float tensors hold
 * finite numbers. Fixtures are found by walking the root (so new ones need no new code); a file in a family
 * folder this test does not know fails.
 */
class GoldenFixturesTest {
    private static final Set<String> FAMILIES = Set.of("dit", "latte", "wan", "wanvae", "sdvae", "sched", "sparse");

    /** Shapes stated in the golden README (an independent source), checked against what the files say. */
    private static final Map<String, Map<String, Object[]>> KNOWN = Map.of(
            "dit/dit_tiny_io.safetensors", Map.of(
                    "x", new Object[] {DType.F32, Shape.of(2, 4, 8, 8)},
                    "t", new Object[] {DType.I64, Shape.of(2)},
                    "y", new Object[] {DType.I64, Shape.of(2)},
                    "out", new Object[] {DType.F32, Shape.of(2, 8, 8, 8)},
                    "ddpm10_noise", new Object[] {DType.F32, Shape.of(10, 4, 4, 8, 8)}),
            "wan/wan_tiny_io.safetensors", Map.of(
                    "x", new Object[] {DType.F32, Shape.of(16, 3, 4, 6)},
                    "context", new Object[] {DType.F32, Shape.of(7, 24)},
                    "out", new Object[] {DType.F32, Shape.of(16, 3, 4, 6)},
                    "time_e0", new Object[] {DType.F32, Shape.of(1, 6, 64)}),
            "sdvae/sdvae_tiny_io.safetensors", Map.of(
                    "z", new Object[] {DType.F32, Shape.of(1, 4, 8, 8)},
                    "decoded", new Object[] {DType.F32, Shape.of(1, 3, 16, 16)}),
            "wanvae/wanvae_tiny_io.safetensors", Map.of(
                    "z", new Object[] {DType.F32, Shape.of(1, 4, 3, 4, 4)},
                    "decoded", new Object[] {DType.F32, Shape.of(1, 3, 9, 32, 32)}),
            "sparse/nabla/nabla_masks_T2_16x16.safetensors", Map.of(
                    "q_raw", new Object[] {DType.F32, Shape.of(1, 512, 2, 32)},
                    "q_rope_tiled", new Object[] {DType.F32, Shape.of(1, 2, 512, 32)}),
            "sparse/lite/lite_trace_T6_thr-4.safetensors", Map.of(
                    "v", new Object[] {DType.F32, Shape.of(2, 384, 16)}));

    private static Stream<Path> fixtures() throws IOException {
        return Files.walk(TestData.golden()).filter(p -> p.toString().endsWith(".safetensors")).sorted();
    }

    @Test
    void theGoldenRootHoldsFixtures() throws IOException {
        assertTrue(fixtures().count() >= 40, "too few fixtures under " + TestData.golden());
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureLoads() throws IOException {
        Path root = TestData.golden();
        return fixtures().map(f -> DynamicTest.dynamicTest(root.relativize(f).toString(), () -> {
            String family = root.relativize(f).getName(0).toString();
            if (!FAMILIES.contains(family)) {
                fail("fixture " + f + " is in a folder no test knows: " + family);
            }
            try (SafetensorsReader r = SafetensorsReader.open(f)) {
                assertTrue(!r.entries().isEmpty(), "no tensors in " + f);
                for (TensorEntry e : r.entries()) {
                    Tensor t = r.tensor(e.name());
                    assertEquals(e.shape(), t.shape());
                    assertEquals(e.numel() * e.dtype().byteSize(), e.byteSize(), e.name());
                    if (t.dtype().isFloating()) {
                        for (double v : t.toDoubleArray()) {
                            if (!Double.isFinite(v) && !e.name().contains("margin")) {
                                fail(e.name() + " in " + f + " holds " + v);
                            }
                        }
                    }
                }
                Map<String, Object[]> known = KNOWN.getOrDefault(root.relativize(f).toString(), Map.of());
                known.forEach((name, dtShape) -> {
                    Tensor t = r.tensor(name);
                    assertEquals(dtShape[0], t.dtype(), name);
                    assertEquals(dtShape[1], t.shape(), name);
                });
            }
        }));
    }
}
