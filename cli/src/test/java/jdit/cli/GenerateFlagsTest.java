package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The common diffusion-CLI spellings of {@code jdit generate}, and Ctrl-C's stop-after-the-step handshake. */
class GenerateFlagsTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    private static CliRun generate(Path out, String... extra) {
        String[] base = {"generate", "--model", GOLDEN.resolve("dit/dit_tiny.safetensors").toString(), "--vae",
            GOLDEN.resolve("sdvae/sdvae_tiny.safetensors").toString(), "--class", "3", "--steps", "2", "-o", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void widthAndHeightAreTheSizeAndMustComeTogether(@TempDir Path dir) {
        Path out = dir.resolve("x.png");
        CliRun ok = generate(out, "-W", "16", "-H", "16");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.exists(out));
        CliRun wrong = generate(dir.resolve("y.png"), "-W", "32", "-H", "32");
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("this model makes 16 px images"), wrong.err());
        CliRun half = generate(dir.resolve("z.png"), "-W", "16");
        assertEquals(1, half.code());
        assertTrue(half.err().contains("give -W and -H together"), half.err());
        assertFalse(Files.exists(dir.resolve("y.png")) || Files.exists(dir.resolve("z.png")));
    }

    @Test
    void previewsShowTheCleanEstimateAndTheLastEqualsTheImage(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("img.png");
        // DDIM onto the last step lands on its clean estimate, so the preview after the last step is the image itself
        CliRun run = generate(out, "--sampler", "ddim", "--preview-every", "1");
        assertEquals(0, run.code(), run.err());
        Path preview = dir.resolve("img.preview.png");
        assertTrue(Files.exists(preview));
        assertEquals("2", jdit.cli.output.PngChunks.texts(Files.readAllBytes(preview)).get("preview-step"));
        java.awt.image.BufferedImage a = javax.imageio.ImageIO.read(out.toFile());
        java.awt.image.BufferedImage b = javax.imageio.ImageIO.read(preview.toFile());
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    int pa = a.getRGB(x, y) >> shift & 0xff;
                    int pb = b.getRGB(x, y) >> shift & 0xff;
                    assertTrue(Math.abs(pa - pb) <= 1, "pixel " + x + "," + y + ": " + pa + " vs " + pb);
                }
            }
        }
    }

    @Test
    void aPromptSaysWhatToGiveInstead(@TempDir Path dir) {
        CliRun run = generate(dir.resolve("p.png"), "-p", "a cat surfing");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("no text encoder yet") && run.err().contains("--text-embeddings"), run.err());
    }

    @Test
    void severalSeedsWriteNumberedOutputs(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s.png");
        CliRun run = generate(out, "-s", "1,2");
        assertEquals(0, run.code(), run.err());
        assertFalse(Files.exists(out));
        byte[] first = Files.readAllBytes(dir.resolve("s-0.png"));
        byte[] second = Files.readAllBytes(dir.resolve("s-1.png"));
        assertFalse(java.util.Arrays.equals(first, second), "two seeds, two images");
        assertEquals("1", jdit.cli.output.PngChunks.texts(first).get("seed"));
        assertEquals("2", jdit.cli.output.PngChunks.texts(second).get("seed"));
    }

    @Test
    void verboseAddsTheStackTraceToTheOneLine(@TempDir Path dir) {
        CliRun quiet = generate(dir.resolve("q.png"), "-p", "x");
        assertFalse(quiet.err().contains("\tat "), quiet.err());
        CliRun verbose = generate(dir.resolve("v.png"), "-p", "x", "--verbose");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().startsWith("jdit generate: jdit has no text encoder yet"), verbose.err());
        assertTrue(verbose.err().contains("\tat jdit.cli.GenerateCommand"), verbose.err());
    }

    @Test
    void anInterruptAsksToStopAndWaitsForTheCleanUp() throws InterruptedException {
        StopOnInterrupt stop = StopOnInterrupt.install(new PrintWriter(new StringWriter()));
        Thread hook = stop.hook();
        assertFalse(stop.requested());
        hook.start(); // what the JVM does on SIGINT
        for (int i = 0; i < 100 && !stop.requested(); i++) {
            Thread.sleep(10);
        }
        assertTrue(stop.requested());
        Thread.sleep(50);
        assertTrue(hook.isAlive(), "the hook waits until the command has cleaned up");
        stop.close();
        hook.join(5000);
        assertFalse(hook.isAlive());
    }
}
