package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import jdit.attention.DenseAttention;
import jdit.backend.cpu.CpuBackend;
import jdit.cli.output.PngChunks;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.pipeline.ClassImagePipeline;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.ImageJob;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.sampling.CounterNoise;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdit generate} end to end on the golden tiny DiT and SD VAE: the PNG has the model's size, its pixels are the
 * decoded tensor of the same generation run through the library (quantised as torchvision does), it carries the
 * parameters, the same seed gives the same bytes, and bad input fails with one clear line and no file.
 */
class GenerateCommandTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));
    private static final String DIT = GOLDEN.resolve("dit/dit_tiny.safetensors").toString();
    private static final String VAE = GOLDEN.resolve("sdvae/sdvae_tiny.safetensors").toString();

    /** The images [B, 3, H, W] the library makes for class 3, seed 11, DDIM 8 steps, DiT guidance 4, on 2 threads. */
    private static Tensor libraryImages(Workspace ws) {
        try (WeightStore d = Checkpoints.open(Path.of(DIT)); WeightStore v = Checkpoints.open(Path.of(VAE));
             CpuBackend cpu = CpuBackend.create(2, true);
             DitModel dit = DitModel.load(d, DitConfigs.of(d)); SdVae vae = new SdVae(v, SdVaeConfig.of(v))) {
            var sampler = Samplers.byName("ddim").create(SamplerDefaults.dit().config().withSteps(8));
            ImageJob job = new ImageJob(new long[] {3}, new CounterNoise(11), sampler, true,
                    DitChannelGuidance.official(4f), new DenseAttention());
            return new ClassImagePipeline(dit, vae, cpu.backend()).generate(job, GenerationListener.NONE, ws);
        }
    }

    @Test
    void writesTheDecodedImageWithItsParametersReproducibly(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        String[] common = {"generate", "--model", DIT, "--vae", VAE, "--class", "3", "--sampler", "ddim", "--steps", "8",
            "--seed", "11", "--threads", "2"};
        for (Path p : new Path[] {a, b}) {
            String[] args = java.util.Arrays.copyOf(common, common.length + 2);
            args[common.length] = "-o";
            args[common.length + 1] = p.toString();
            CliRun r = CliRun.of(args);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("wrote " + p) && r.out().contains("peak RSS"), r.out());
            assertTrue(r.err().contains("step 8/8"), r.err());
        }
        byte[] png = Files.readAllBytes(a);
        assertArrayEquals(png, Files.readAllBytes(b), "same seed, same bytes");

        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(16, img.getWidth());
        assertEquals(16, img.getHeight());
        try (Workspace ws = new Workspace()) {
            Tensor want = libraryImages(ws);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int rgb = img.getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        double v = want.getDouble(0, c, y, x);
                        long expected = Math.round(Math.floor(Math.clamp((v + 1) / 2, 0.0, 1.0) * 255 + 0.5));
                        assertEquals(expected, rgb >> (16 - 8 * c) & 0xff, "pixel " + x + "," + y + " channel " + c);
                    }
                }
            }
        }
        Map<String, String> texts = PngChunks.texts(png);
        assertEquals("11", texts.get("seed"));
        assertEquals("3", texts.get("class"));
        assertEquals("ddim", texts.get("sampler"));
        assertEquals("8", texts.get("steps"));
        assertEquals("4.0", texts.get("cfg-scale"));

        Path c = dir.resolve("c.png");
        String[] other = common.clone();
        other[12] = "12";
        String[] args = java.util.Arrays.copyOf(other, other.length + 2);
        args[other.length] = "-o";
        args[other.length + 1] = c.toString();
        assertEquals(0, CliRun.of(args).code());
        assertFalse(java.util.Arrays.equals(png, Files.readAllBytes(c)), "another seed, another image");
    }

    @Test
    void batchesAreNumberedAndHalfWeightsRun(@TempDir Path dir) {
        CliRun r = CliRun.of("generate", "--model", DIT, "--vae", VAE, "--class", "1,2", "--batch", "2", "--steps", "3",
                "--dtype", "bf16", "--sampler", "euler", "-o", dir.resolve("x.png").toString());
        assertEquals(0, r.code(), r.err());
        for (int i = 0; i < 4; i++) {
            assertTrue(Files.isRegularFile(dir.resolve("x-" + i + ".png")), r.out());
        }
        // sparse methods that apply to a 4x4-patch image run inside the generation
        for (String method : new String[] {"lite:thr=-1,tile=8", "svg:steps=0,layers=0,rows=4", "svg:steps=0,layers=0,rows=4+lite:tile=128"}) {
            CliRun m = CliRun.of("generate", "--model", DIT, "--vae", VAE, "--class", "2", "--steps", "3", "--attention", method,
                    "-o", dir.resolve("m.png").toString());
            assertEquals(0, m.code(), method + ": " + m.err());
            assertEquals(method, PngChunks.texts(readAll(dir.resolve("m.png"))).get("attention"));
        }
        // one image without guidance: a batch of 1 through every layer
        CliRun single = CliRun.of("generate", "--model", DIT, "--vae", VAE, "--cfg-scale", "1", "--class", "4", "--steps", "2", "-o",
                dir.resolve("one.png").toString());
        assertEquals(0, single.code(), single.err());
        assertTrue(Files.isRegularFile(dir.resolve("one.png")));
    }

    @Test
    void theDiffusersFolderGuidesAllLatentChannelsAndMatchesTheOriginalLayout(@TempDir Path dir) throws IOException {
        Path folder = Path.of(System.getProperty("jdit.testdata", "../testdata")).resolve("diffusers/dit_tiny_transformer");
        Path a = dir.resolve("diffusers.png");
        Path b = dir.resolve("original.png");
        CliRun ra = CliRun.of("generate", "--model", folder.toString(), "--vae", VAE, "--steps", "4", "--class", "5", "-o", a.toString());
        assertEquals(0, ra.code(), ra.err());
        assertTrue(ra.err().contains("diffusers layout") && ra.err().contains("(diffusers rule)"), ra.err());
        CliRun rb = CliRun.of("generate", "--model", DIT, "--vae", VAE, "--steps", "4", "--class", "5", "--guidance", "diffusers",
                "-o", b.toString());
        assertEquals(0, rb.code(), rb.err());
        assertEquals("diffusers", PngChunks.texts(Files.readAllBytes(a)).get("guidance"));
        assertArrayEquals(pixels(a), pixels(b));
        Path c = dir.resolve("dit-rule.png");
        assertEquals(0, CliRun.of("generate", "--model", DIT, "--vae", VAE, "--steps", "4", "--class", "5", "-o", c.toString()).code());
        assertFalse(java.util.Arrays.equals(pixels(a), pixels(c)), "guiding 3 or 4 channels must differ");
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void badInputFailsWithOneLineAndNoFile(@TempDir Path dir) throws IOException {
        String out = dir.resolve("o.png").toString();
        CliRun size = CliRun.of("generate", "--model", DIT, "--vae", VAE, "--size", "256", "--steps", "2", "-o", out);
        assertEquals(1, size.code());
        assertTrue(size.err().contains("--size 256 but this model makes 16 px images"), size.err());
        CliRun sampler = CliRun.of("generate", "--model", DIT, "--vae", VAE, "--sampler", "nope", "-o", out);
        assertTrue(sampler.code() == 1 && sampler.err().contains("unknown sampler 'nope'"), sampler.err());
        CliRun noVae = CliRun.of("generate", "--model", DIT, "-o", out);
        assertTrue(noVae.code() == 1 && noVae.err().contains("--vae is required"), noVae.err());
        CliRun cls = CliRun.of("generate", "--model", DIT, "--vae", VAE, "--class", "11", "--steps", "2", "-o", out);
        assertTrue(cls.code() == 1 && cls.err().contains("--class 11: this model has classes 0 to 9"), cls.err());
        CliRun notVae = CliRun.of("generate", "--model", DIT, "--vae", DIT, "--steps", "2", "-o", out);
        assertEquals(1, notVae.code(), notVae.err());
        try (var listing = Files.list(dir)) {
            assertEquals(0, listing.count());
        }
    }
}
