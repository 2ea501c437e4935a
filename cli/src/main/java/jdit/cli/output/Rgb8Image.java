package jdit.cli.output;

import jdit.tensor.Tensor;

/** An 8-bit RGB image, rows top to bottom, pixels as R, G, B bytes. */
public record Rgb8Image(int width, int height, byte[] rgb) {
    public Rgb8Image {
        if (width < 1 || height < 1 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs " + width * height * 3
                    + " bytes, got " + rgb.length);
        }
    }

    /**
     * A decoder output [3, H, W] in [-1, 1] as torchvision's {@code save_image(normalize=True, value_range=(-1, 1))}
     * quantises it (DiT's {@code sample.py}): {@code floor(clamp((x + 1) / 2, 0, 1) · 255 + 0.5)}.
     */
    public static Rgb8Image fromSigned(Tensor image) {
        if (image.rank() != 3 || image.dim(0) != 3) {
            throw new IllegalArgumentException("an RGB image tensor is [3, H, W], got " + image.shape());
        }
        int h = (int) image.dim(1);
        int w = (int) image.dim(2);
        byte[] rgb = new byte[w * h * 3];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgb[(y * w + x) * 3 + c] = (byte) quantise(image.getDouble(c, y, x));
                }
            }
        }
        return new Rgb8Image(w, h, rgb);
    }

    /** The 8-bit value of a sample in [-1, 1] (see {@link jdit.api.Frame#quantise}). */
    public static int quantise(double v) {
        return jdit.api.Frame.quantise(v);
    }
}
