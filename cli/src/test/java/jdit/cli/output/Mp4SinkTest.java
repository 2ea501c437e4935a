package jdit.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** H.264 MP4s read back through FFmpeg's demuxer: frame count, size, rate, metadata and (lossy) pixels. */
class Mp4SinkTest {
    /** A smooth moving gradient: easy for H.264, so the decoded pixels stay within a few levels. */
    static Rgb8Image gradient(int w, int h, int t) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (x * 255 / w);
                rgb[i + 1] = (byte) (y * 255 / h);
                rgb[i + 2] = (byte) (t * 20);
            }
        }
        return new Rgb8Image(w, h, rgb);
    }

    @Test
    void framesSizeRateAndMetadataReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("v.mp4");
        try (Mp4Sink sink = new Mp4Sink(file, 48, 32, 16, Map.of("comment", "seed=7 steps=3"))) {
            for (int t = 0; t < 9; t++) {
                sink.accept(gradient(48, 32, t));
            }
            assertFalse(Files.exists(file), "nothing at the destination before finish");
            sink.finish();
        }
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());
        }
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            assertEquals(48, g.getImageWidth());
            assertEquals(32, g.getImageHeight());
            assertEquals(16.0, g.getFrameRate(), 1e-6);
            assertEquals("seed=7 steps=3", g.getMetadata().get("comment"));
            assertTrue(g.getVideoCodecName().contains("264"), g.getVideoCodecName());
            int frames = 0;
            double worst = 0;
            for (Frame f; (f = g.grabImage()) != null; frames++) {
                Rgb8Image want = gradient(48, 32, frames);
                ByteBuffer b = (ByteBuffer) f.image[0];
                double sum = 0;
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 48; x++) {
                        for (int c = 0; c < 3; c++) { // grabbed frames are B, G, R
                            int got = b.get(y * f.imageStride + 3 * x + (2 - c)) & 0xff;
                            sum += Math.abs(got - (want.rgb()[(y * 48 + x) * 3 + c] & 0xff));
                        }
                    }
                }
                worst = Math.max(worst, sum / (48 * 32 * 3));
            }
            assertEquals(9, frames);
            assertTrue(worst < 6, "mean absolute error per sample " + worst);
        }
    }

    @Test
    void anUnfinishedVideoLeavesNothingAndOddSidesAreRefused(@TempDir Path dir) throws IOException {
        try (Mp4Sink sink = new Mp4Sink(dir.resolve("v.mp4"), 16, 16, 8, Map.of())) {
            sink.accept(gradient(16, 16, 0));
        }
        try (var listing = Files.list(dir)) {
            assertEquals(0, listing.count());
        }
        assertThrows(IllegalArgumentException.class, () -> new Mp4Sink(dir.resolve("o.mp4"), 15, 16, 8, Map.of()));
    }

    @Test
    void pngFramesAppearAsOneFolder(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("frames");
        try (PngFramesSink sink = new PngFramesSink(out, List.of(new PngText("seed", "3")))) {
            for (int t = 0; t < 3; t++) {
                sink.accept(gradient(8, 8, t));
            }
            sink.finish();
        }
        assertTrue(Files.isRegularFile(out.resolve("frame-00002.png")));
        assertEquals("2", PngChunks.texts(Files.readAllBytes(out.resolve("frame-00002.png"))).get("frame"));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(out), listing.toList());
        }
    }
}
