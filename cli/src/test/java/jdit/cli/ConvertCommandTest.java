package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import jdit.io.Checkpoints;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdit convert}: original to diffusers layout reproduces the golden diffusers files (the same weights converted
 * by diffusers' scripts) tensor for tensor, and back again bit for bit; PyTorch pickles become safetensors with the
 * same bytes; a type change rounds as the half-float conversion does; bad input writes nothing.
 */
class ConvertCommandTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));
    private static final Path TORCH = Path.of(System.getProperty("jdit.testdata", "../testdata")).resolve("torch");

    @Test
    void ditLayoutsMatchTheGoldenDiffusersFileAndRoundTrip(@TempDir Path dir) {
        roundTrip(GOLDEN.resolve("dit/dit_tiny.safetensors"), GOLDEN.resolve("dit/dit_tiny_diffusers.safetensors"), dir);
    }

    @Test
    void wanLayoutsMatchTheGoldenDiffusersFileAndRoundTrip(@TempDir Path dir) {
        roundTrip(GOLDEN.resolve("wan/wan_tiny.safetensors"), GOLDEN.resolve("wan/wan_tiny_diffusers.safetensors"), dir);
    }

    private static void roundTrip(Path original, Path diffusers, Path dir) {
        Path toDiffusers = dir.resolve("d.safetensors");
        Path back = dir.resolve("o.safetensors");
        CliRun a = CliRun.of("convert", original.toString(), toDiffusers.toString(), "--layout", "diffusers");
        assertEquals(0, a.code(), a.err());
        assertSameTensors(diffusers, toDiffusers);
        CliRun b = CliRun.of("convert", toDiffusers.toString(), back.toString(), "--layout", "original");
        assertEquals(0, b.code(), b.err());
        assertSameTensors(original, back);
    }

    @Test
    void aPytorchPickleBecomesSafetensorsWithTheSameBytes(@TempDir Path dir) {
        Path pt = TORCH.resolve("dit_tiny_original.pt");
        Path out = dir.resolve("from_pt.safetensors");
        CliRun run = CliRun.of("convert", pt.toString(), out.toString());
        assertEquals(0, run.code(), run.err());
        assertSameTensors(pt, out);
    }

    @Test
    void aTypeChangeRoundsEveryFloatingTensor(@TempDir Path dir) {
        Path src = GOLDEN.resolve("dit/dit_tiny.safetensors");
        Path out = dir.resolve("bf16.safetensors");
        CliRun run = CliRun.of("convert", src.toString(), out.toString(), "--dtype", "bf16");
        assertEquals(0, run.code(), run.err());
        try (WeightStore a = Checkpoints.open(src); WeightStore b = Checkpoints.open(out)) {
            for (TensorEntry e : a.entries()) {
                Tensor x = a.tensor(e.name());
                Tensor y = b.tensor(e.name());
                assertEquals(DType.BF16, y.dtype(), e.name());
                for (long i = 0; i < x.numel(); i++) {
                    float f = (float) x.getDoubleAt(i);
                    assertEquals(bf16(f), (float) y.getDoubleAt(i), e.name() + " element " + i);
                }
            }
        }
    }

    @Test
    void badInputWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("x.safetensors");
        String[][] cases = {
            {GOLDEN.resolve("sdvae/sdvae_tiny.safetensors").toString(), out.toString(), "--layout", "original",
                "key layouts convert for DiT and Wan2.1 only"},
            {GOLDEN.resolve("dit/dit_tiny.safetensors").toString(), dir.resolve("x.bin").toString(), "--layout", "keep",
                "OUT must be a .safetensors file"},
            {dir.resolve("missing.pt").toString(), out.toString(), "--layout", "keep", "missing.pt"},
            {GOLDEN.resolve("dit/dit_tiny.safetensors").toString(), out.toString(), "--layout", "sideways", "--layout is keep"},
        };
        for (String[] c : cases) {
            CliRun run = CliRun.of("convert", c[0], c[1], c[2], c[3]);
            assertEquals(1, run.code(), String.join(" ", c));
            assertTrue(run.err().contains(c[4]), run.err());
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.findAny().isPresent(), "nothing written");
        }
    }

    /** Round to nearest even, as a BF16 conversion must. */
    private static float bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7fff + ((bits >> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xffff0000);
    }

    private static void assertSameTensors(Path expected, Path actual) {
        try (WeightStore e = Checkpoints.open(expected); WeightStore a = Checkpoints.open(actual)) {
            Set<String> en = new TreeSet<>(e.entries().stream().map(TensorEntry::name).toList());
            Set<String> an = new TreeSet<>(a.entries().stream().map(TensorEntry::name).toList());
            assertEquals(en, an, "the same keys");
            for (String name : en) {
                Tensor x = e.tensor(name);
                Tensor y = a.tensor(name);
                assertEquals(x.dtype(), y.dtype(), name);
                assertArrayEquals(x.shape().toArray(), y.shape().toArray(), name);
                for (long i = 0; i < x.numel(); i++) {
                    if (Double.doubleToRawLongBits(x.getDoubleAt(i)) != Double.doubleToRawLongBits(y.getDoubleAt(i))) {
                        throw new AssertionError(name + " differs at element " + i + ": " + x.getDoubleAt(i) + " vs " + y.getDoubleAt(i));
                    }
                }
            }
        }
    }
}
