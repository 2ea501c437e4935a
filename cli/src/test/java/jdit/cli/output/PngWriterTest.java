package jdit.cli.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNGs from OpenCV plus text chunks, read back with an independent decoder (ImageIO) and a chunk parser. */
class PngWriterTest {
    /** Pixels as 0xRRGGBB per pixel, decoded by ImageIO. */
    static int[] pixels(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void pixelsAndTextSurviveARoundTrip(@TempDir Path dir) throws IOException {
        Random r = new Random(5);
        byte[] rgb = new byte[7 * 5 * 3];
        r.nextBytes(rgb);
        Rgb8Image image = new Rgb8Image(7, 5, rgb);
        Path file = dir.resolve("a.png");
        PngWriter.write(file, image, List.of(new PngText("seed", "42"), new PngText("sampler", "ddpm")));
        byte[] png = Files.readAllBytes(file);
        int[] px = pixels(png);
        for (int i = 0; i < 35; i++) {
            int want = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
            assertEquals(want, px[i] & 0xffffff, "pixel " + i);
        }
        assertEquals(Map.of("seed", "42", "sampler", "ddpm"), PngChunks.texts(png));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList()); // no temporary file left behind
        }
    }

    @Test
    void invalidKeywordsAndTextAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PngText("", "x"));
        assertThrows(IllegalArgumentException.class, () -> new PngText(" lead", "x"));
        assertThrows(IllegalArgumentException.class, () -> new PngText("k", "snow \u2603"));
        assertThrows(IllegalArgumentException.class, () -> new Rgb8Image(2, 2, new byte[11]));
    }

    @Test
    void quantisationFollowsTorchvision() {
        assertEquals(0, Rgb8Image.quantise(-1.5));
        assertEquals(0, Rgb8Image.quantise(-1));
        assertEquals(128, Rgb8Image.quantise(0)); // 127.5 + 0.5 floors to 128
        assertEquals(255, Rgb8Image.quantise(1));
        assertEquals(255, Rgb8Image.quantise(3));
        assertEquals(64, Rgb8Image.quantise(-0.5)); // 63.75 + 0.5
    }
}
