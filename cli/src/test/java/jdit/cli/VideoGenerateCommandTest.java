package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdit.io.SeededWeights;
import jdit.io.safetensors.SafetensorsWriter;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanParameters;
import jdit.sampling.CounterNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdit generate} for video, end to end on tiny weights: Wan2.1 (a 4-channel transformer written here with
 * seeded weights in the original layout, and the golden tiny Wan VAE) and Latte (golden tiny, with the golden tiny SD
 * VAE). The MP4s read back through FFmpeg with the frame count, size and rate asked for.
 */
class VideoGenerateCommandTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    /** A Wan2.1 transformer with 4 latent channels (the golden tiny VAE's), written as a safetensors file with its config. */
    private static Path tinyWan(Path dir) throws IOException {
        WanConfig c = new WanConfig(1, 2, 2, 16, 4, 64, 128, 32, 24, 4, 4, 2, 1e-6);
        Path file = dir.resolve("wan_tiny4.safetensors");
        SeededWeights.write(file, WanParameters.originalLayout(c), 5, Map.of("config", "{\"model_type\": \"t2v\", \"patch_size\": [1, 2, 2], "
                + "\"text_len\": 16, \"in_dim\": 4, \"dim\": 64, \"ffn_dim\": 128, \"freq_dim\": 32, \"text_dim\": 24, "
                + "\"out_dim\": 4, \"num_heads\": 4, \"num_layers\": 2, \"qk_norm\": true, \"cross_attn_norm\": true, \"eps\": 1e-06}"));
        return file;
    }

    private static Path embeddings(Path dir, String name, int rows, long seed) throws IOException {
        Tensor t = Tensor.allocate(java.lang.foreign.Arena.ofAuto(), DType.F32, rows, 24);
        new CounterNoise(seed).next(t);
        Path file = dir.resolve(name);
        SafetensorsWriter.write(file, Map.of("context", t), Map.of());
        return file;
    }

    private static void assertVideo(Path mp4, int frames, int width, int height, double fps) throws Exception {
        assertVideo(mp4, frames, width, height, fps, 3);
    }

    private static void assertVideo(Path mp4, int frames, int width, int height, double fps, long seed) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
            g.start();
            assertEquals(width, g.getImageWidth());
            assertEquals(height, g.getImageHeight());
            assertEquals(fps, g.getFrameRate(), 1e-6);
            int n = 0;
            while (g.grabImage() != null) {
                n++;
            }
            assertEquals(frames, n);
            assertTrue(g.getMetadata().get("comment").contains("seed=" + seed), g.getMetadata().toString());
        }
    }

    @Test
    void wanWritesAnMp4WithTheFramesSizeAndRateAskedFor(@TempDir Path dir) throws Exception {
        Path wan = tinyWan(dir);
        Path text = embeddings(dir, "prompt.safetensors", 7, 1);
        Path negative = embeddings(dir, "negative.safetensors", 5, 2);
        String vae = GOLDEN.resolve("wanvae/wanvae_tiny.safetensors").toString();
        Path out = dir.resolve("v.mp4");
        CliRun r = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                "--negative-embeddings", negative.toString(), "--frames", "9", "--size", "48x32", "--steps", "3",
                "--seed", "3", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("step 3/3"), r.err());
        assertVideo(out, 9, 48, 32, 16);

        Path frames = dir.resolve("frames");
        CliRun p = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                "--frames", "5", "--size", "32x32", "--steps", "2", "--seed", "3", "--cfg-scale", "1", "--format", "png_frames",
                "-o", frames.toString());
        assertEquals(0, p.code(), p.err());
        try (var listing = Files.list(frames)) {
            assertEquals(5, listing.count());
        }
        Map<String, String> texts = jdit.cli.output.PngChunks.texts(Files.readAllBytes(frames.resolve("frame-00004.png")));
        assertEquals("4", texts.get("frame"));
        assertEquals("3", texts.get("seed"));
        assertEquals("2", texts.get("steps"));
        assertEquals("dense", texts.get("attention"));
    }

    @Test
    void sparseMethodsRunInsideAGeneration(@TempDir Path dir) throws Exception {
        Path wan = tinyWan(dir);
        Path text = embeddings(dir, "prompt.safetensors", 7, 1);
        String vae = GOLDEN.resolve("wanvae/wanvae_tiny.safetensors").toString();
        for (String method : new String[] {"nabla", "nabla:thr=0.5,sta=1x1x1", "sta:3x1x1,warmup=1", "svg:steps=0,layers=0,rows=8",
                "lite:thr=-2", "nabla+lite:thr=-3,exact"}) {
            Path out = dir.resolve(method.replaceAll("[^a-z0-9]", "_") + ".mp4");
            CliRun r = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                    "--frames", "5", "--size", "128x128", "--steps", "2", "--seed", "3", "--attention", method, "-o", out.toString());
            assertEquals(0, r.code(), method + ": " + r.err());
            assertVideo(out, 5, 128, 128, 16);
        }
        CliRun odd = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                "--frames", "5", "--size", "96x96", "--steps", "1", "--attention", "nabla", "-o", dir.resolve("o.mp4").toString());
        assertTrue(odd.code() == 1 && odd.err().contains("multiples of 8"), odd.err());
        CliRun bad = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                "--attention", "nabla:thr=2", "-o", dir.resolve("o.mp4").toString());
        assertTrue(bad.code() == 1 && bad.err().contains("thr must be in (0, 1]"), bad.err());
    }

    @Test
    void wanRefusesAVideoThatCannotFitBeforeAllocatingIt(@TempDir Path dir) throws Exception {
        Path wan = tinyWan(dir);
        Path text = embeddings(dir, "prompt.safetensors", 7, 1);
        String vae = GOLDEN.resolve("wanvae/wanvae_tiny.safetensors").toString();
        // 32,768 x 16,384 px: the VAE decode alone would need about 17.7 KiB per pixel, 8.7 TiB
        CliRun huge = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                "--frames", "5", "--size", "32768x16384", "-o", dir.resolve("h.mp4").toString());
        assertEquals(1, huge.code());
        assertTrue(huge.err().contains("need about") && huge.err().contains("is available"), huge.err());
        assertFalse(Files.exists(dir.resolve("h.mp4")));
    }

    @Test
    void wanRefusesFramesAndSizesItCannotMake(@TempDir Path dir) throws Exception {
        Path wan = tinyWan(dir);
        Path text = embeddings(dir, "prompt.safetensors", 7, 1);
        String vae = GOLDEN.resolve("wanvae/wanvae_tiny.safetensors").toString();
        CliRun frames = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                "--frames", "6", "--size", "32x32", "-o", dir.resolve("a.mp4").toString());
        assertTrue(frames.code() == 1 && frames.err().contains("4n+1"), frames.err());
        CliRun size = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings", text.toString(),
                "--frames", "5", "--size", "40x32", "-o", dir.resolve("a.mp4").toString());
        assertTrue(size.code() == 1 && size.err().contains("multiples of 16"), size.err());
        CliRun noText = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "-o", dir.resolve("a.mp4").toString());
        assertTrue(noText.code() == 1 && noText.err().contains("--text-embeddings"), noText.err());
        CliRun wide = CliRun.of("generate", "--model", wan.toString(), "--vae", vae, "--text-embeddings",
                embeddings(dir, "long.safetensors", 17, 1).toString(), "--frames", "5", "--size", "32x32",
                "-o", dir.resolve("a.mp4").toString());
        assertTrue(wide.code() == 1 && wide.err().contains("L <= 16"), wide.err());
        try (var listing = Files.list(dir)) {
            assertTrue(listing.noneMatch(f -> f.getFileName().toString().endsWith("mp4")), "no video left behind");
        }
    }

    @Test
    void latteWritesItsFramesDecodedOneByOne(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("latte.mp4");
        CliRun r = CliRun.of("generate", "--model", GOLDEN.resolve("latte/latte_tiny_classcond.safetensors").toString(), "--vae",
                GOLDEN.resolve("sdvae/sdvae_tiny.safetensors").toString(), "--class", "2", "--steps", "3", "--seed", "3",
                "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertVideo(out, 4, 16, 16, 8);
        CliRun u = CliRun.of("generate", "--model", GOLDEN.resolve("latte/latte_tiny_uncond.safetensors").toString(), "--vae",
                GOLDEN.resolve("sdvae/sdvae_tiny.safetensors").toString(), "--steps", "2", "--seed", "3", "--sampler", "ddim",
                "-o", dir.resolve("u.mp4").toString());
        assertEquals(0, u.code(), u.err());
        assertVideo(dir.resolve("u.mp4"), 4, 16, 16, 8);

        CliRun batch = CliRun.of("generate", "--model", GOLDEN.resolve("latte/latte_tiny_uncond.safetensors").toString(), "--vae",
                GOLDEN.resolve("sdvae/sdvae_tiny.safetensors").toString(), "--steps", "2", "--seed", "3", "--sampler", "ddim",
                "--batch", "2", "-o", dir.resolve("b.mp4").toString());
        assertEquals(0, batch.code(), batch.err());
        assertVideo(dir.resolve("b-0.mp4"), 4, 16, 16, 8, 3);
        assertVideo(dir.resolve("b-1.mp4"), 4, 16, 16, 8, 4);
        assertEquals(Files.size(dir.resolve("u.mp4")), Files.size(dir.resolve("b-0.mp4")), "the first of a batch is the seed's video");
    }
}
