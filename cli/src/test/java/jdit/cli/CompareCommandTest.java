package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdit.cli.output.Mp4Sink;
import jdit.cli.output.PngWriter;
import jdit.cli.output.Rgb8Image;
import jdit.cli.quality.FrameQuality;
import jdit.cli.quality.FrameSource;
import jdit.profile.Fidelity;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdit compare}: infinite PSNR for identical inputs, the closed form for a known perturbation, OpenCV's SSIM
 * against jdit's double-precision re-computation, videos frame by frame, and one-line errors.
 */
class CompareCommandTest {
    private static final int W = 48;
    private static final int H = 40;

    private static byte[] random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] rgb = new byte[W * H * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) r.nextInt(200); // room for +4 without clipping
        }
        return rgb;
    }

    private static byte[] plus(byte[] rgb, int delta) {
        byte[] out = rgb.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((out[i] & 0xff) + delta);
        }
        return out;
    }

    private static Path png(Path dir, String name, byte[] rgb) throws IOException {
        Path p = dir.resolve(name);
        PngWriter.write(p, new Rgb8Image(W, H, rgb), List.of());
        return p;
    }

    @Test
    void identicalImagesHaveInfinitePsnrAndAnOffsetHasTheClosedForm(@TempDir Path dir) throws IOException {
        byte[] a = random(1);
        Path pa = png(dir, "a.png", a);
        CliRun same = CliRun.of("compare", pa.toString(), png(dir, "a2.png", a).toString());
        assertEquals(0, same.code(), same.err());
        assertTrue(same.out().contains("PSNR inf dB, SSIM 1.00000"), same.out());
        // every sample + 4: MSE 16, PSNR = 10·log10(255² / 16) = 36.09 dB
        CliRun shifted = CliRun.of("compare", pa.toString(), png(dir, "b.png", plus(a, 4)).toString());
        assertEquals(0, shifted.code(), shifted.err());
        assertTrue(shifted.out().contains(String.format(java.util.Locale.ROOT, "PSNR %.2f dB", 10 * Math.log10(255.0 * 255 / 16))),
                shifted.out());
    }

    @Test
    void opencvSsimAgreesWithTheDoublePrecisionRecomputation(@TempDir Path dir) throws IOException {
        byte[] a = random(2);
        byte[] b = a.clone();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.max(0, Math.min(255, (b[i] & 0xff) + (int) Math.round(r.nextGaussian() * 12)));
        }
        List<Mat> ma = FrameSource.read(png(dir, "a.png", a));
        List<Mat> mb = FrameSource.read(png(dir, "b.png", b));
        FrameQuality q = FrameQuality.of(ma.getFirst(), mb.getFirst());
        assertEquals(Fidelity.ssim(planes(a), planes(b), 3, H, W, 255), q.ssim(), 1e-4);
        assertEquals(Fidelity.psnr(planes(a), planes(b), 255), q.psnr(), 1e-9);
        ma.forEach(Mat::close);
        mb.forEach(Mat::close);
    }

    @Test
    void videosCompareFrameByFrame(@TempDir Path dir) throws IOException {
        Path v1 = dir.resolve("one.mp4");
        Path v2 = dir.resolve("two.mp4");
        for (Path v : List.of(v1, v2)) {
            try (Mp4Sink sink = new Mp4Sink(v, W, H, 8, Map.of())) {
                for (int f = 0; f < 3; f++) {
                    sink.accept(new Rgb8Image(W, H, random(10 + f)));
                }
                sink.finish();
            }
        }
        CliRun run = CliRun.of("compare", v1.toString(), v2.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(3, run.out().lines().filter(l -> l.matches("\\d+\\s+inf\\s+1\\.00000")).count(), run.out());
        assertTrue(run.out().contains("mean over 3 frame(s) of 48x40: PSNR inf dB"), run.out());
        CliRun mismatch = CliRun.of("compare", v1.toString(), png(dir, "a.png", random(1)).toString());
        assertEquals(1, mismatch.code());
        assertTrue(mismatch.err().contains("has 3 frame(s)"), mismatch.err());
    }

    @Test
    void aDecodedVideoFrameMatchesTheImageItWasMadeFrom(@TempDir Path dir) throws IOException {
        byte[] rgb = new byte[W * H * 3]; // a smooth gradient: H.264 keeps it within a few levels
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                rgb[(y * W + x) * 3] = (byte) (40 + 3 * x);
                rgb[(y * W + x) * 3 + 1] = (byte) (60 + 2 * y);
                rgb[(y * W + x) * 3 + 2] = (byte) 128;
            }
        }
        Path video = dir.resolve("g.mp4");
        try (Mp4Sink sink = new Mp4Sink(video, W, H, 8, Map.of())) {
            sink.accept(new Rgb8Image(W, H, rgb));
            sink.finish();
        }
        List<Mat> decoded = FrameSource.read(video);
        List<Mat> image = FrameSource.read(png(dir, "g.png", rgb));
        FrameQuality q = FrameQuality.of(image.getFirst(), decoded.getFirst());
        assertTrue(q.psnr() > 35 && q.ssim() > 0.95, "decoded frame vs its source: " + q);
        decoded.forEach(Mat::close);
        image.forEach(Mat::close);
    }

    @Test
    void missingFilesAndSizeMismatchesEndInOneLine(@TempDir Path dir) throws IOException {
        CliRun missing = CliRun.of("compare", dir.resolve("none.png").toString(), dir.resolve("none2.png").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().strip().endsWith("none.png: no such file or folder"), missing.err());
        Path small = dir.resolve("small.png");
        PngWriter.write(small, new Rgb8Image(8, 8, new byte[8 * 8 * 3]), List.of());
        CliRun sizes = CliRun.of("compare", png(dir, "a.png", random(1)).toString(), small.toString());
        assertEquals(1, sizes.code());
        assertTrue(sizes.err().contains("frames differ in size"), sizes.err());
    }

    /** Interleaved RGB bytes as three planes (channel order does not change the means). */
    private static float[] planes(byte[] rgb) {
        float[] p = new float[rgb.length];
        int n = W * H;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                p[c * n + i] = rgb[i * 3 + c] & 0xff;
            }
        }
        return p;
    }
}
