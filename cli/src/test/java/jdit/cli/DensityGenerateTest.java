package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import jdit.cli.output.PngChunks;
import jdit.io.SeededWeights;
import jdit.model.dit.DitConfig;
import jdit.model.dit.SparseDitConfig;
import jdit.model.dit.SparseDitParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdit generate} with token density: a SparseDiT checkpoint in the published layout (written here with seeded
 * weights) generates like a DiT, with a per-step sparse grid; {@code --density flex} runs on a DiT and says so in the
 * PNG; a dense schedule gives the dense image byte for byte; bad specs and models that cannot pool fail in one line.
 */
class DensityGenerateTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));
    private static final String DIT = GOLDEN.resolve("dit/dit_tiny.safetensors").toString();
    private static final String VAE = GOLDEN.resolve("sdvae/sdvae_tiny.safetensors").toString();

    private static Path sparseDit(Path dir) throws IOException {
        SparseDitConfig c = new SparseDitConfig(new DitConfig(8, 2, 4, 32, 10, 2, 10, true), 1, 2, 1, 1, 1, 1, 1, 2);
        Path file = dir.resolve("sparsedit_tiny.safetensors");
        SeededWeights.write(file, SparseDitParameters.layout(c), 11, Map.of("config", c.metadataJson()));
        return file;
    }

    private static CliRun generate(String model, Path out, String... extra) {
        String[] base = {"generate", "--model", model, "--vae", VAE, "--class", "3", "--sampler", "ddim", "--steps", "4",
            "--seed", "5", "--threads", "2", "-o", out.toString()};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void aSparseDitCheckpointGeneratesWithAPerStepSparseGrid(@TempDir Path dir) throws IOException {
        String model = sparseDit(dir).toString();
        CliRun r = generate(model, dir.resolve("s.png"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("SparseDiT"), r.err());
        CliRun scheduled = generate(model, dir.resolve("t.png"), "--density", "flex:schedule=1@1,semantic=1@0.5/2");
        assertEquals(0, scheduled.code(), scheduled.err());
        byte[] a = Files.readAllBytes(dir.resolve("s.png"));
        byte[] b = Files.readAllBytes(dir.resolve("t.png"));
        assertEquals("dense", PngChunks.texts(a).get("density"));
        assertTrue(PngChunks.texts(b).get("density").contains("semantic=1@0.5/2@1"), PngChunks.texts(b).toString());
        CliRun inspect = CliRun.of("inspect", model, "--summary");
        assertTrue(inspect.out().contains("SparseDiT"), inspect.out());
    }

    @Test
    void flexRunsOnADitAndADenseScheduleIsTheDenseImage(@TempDir Path dir) throws IOException {
        assertEquals(0, generate(DIT, dir.resolve("dense.png")).code());
        CliRun flat = generate(DIT, dir.resolve("flat.png"), "--density", "flex:layers=0-1,schedule=1@1");
        assertEquals(0, flat.code(), flat.err());
        CliRun pooled = generate(DIT, dir.resolve("pooled.png"), "--density", "flex:layers=0-1,schedule=2@0.5");
        assertEquals(0, pooled.code(), pooled.err());
        assertTrue(pooled.err().contains("density flex:layers=0-1,schedule=2@0.5"), pooled.err());
        byte[] dense = Files.readAllBytes(dir.resolve("dense.png"));
        byte[] flatPng = Files.readAllBytes(dir.resolve("flat.png"));
        assertEquals(PngChunks.texts(dense).size(), PngChunks.texts(flatPng).size());
        assertTrue(Arrays.equals(pixels(dense), pixels(flatPng)), "density 1 everywhere: the dense pixels");
        assertFalse(Arrays.equals(pixels(dense), pixels(Files.readAllBytes(dir.resolve("pooled.png")))));

        CliRun unknown = generate(DIT, dir.resolve("u.png"), "--density", "sparse");
        assertTrue(unknown.code() == 1 && unknown.err().contains("known: [dense, flex]"), unknown.err());
        CliRun deep = generate(DIT, dir.resolve("d.png"), "--density", "flex:layers=0-99");
        assertTrue(deep.code() == 1 && deep.err().contains("exceed the model's"), deep.err());
        assertFalse(Files.exists(dir.resolve("u.png")) || Files.exists(dir.resolve("d.png")));
        CliRun latte = CliRun.of("generate", "--model", GOLDEN.resolve("latte/latte_tiny_uncond.safetensors").toString(),
                "--vae", VAE, "--steps", "2", "--density", "flex", "-o", dir.resolve("l.mp4").toString());
        assertTrue(latte.code() == 1 && latte.err().contains("Latte runs dense"), latte.err());
    }

    /** The decoded RGB of a PNG. */
    private static int[] pixels(byte[] png) throws IOException {
        var img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
