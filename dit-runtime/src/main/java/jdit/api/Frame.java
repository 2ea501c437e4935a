package jdit.api;

/** One decoded image or video frame: planar RGB [3][height][width], samples in [-1, 1]. */
public record Frame(int width, int height, float[] rgb) {
    public Frame {
        if (width < 1 || height < 1 || rgb.length != 3 * width * height) {
            throw new IllegalArgumentException("a frame of " + width + "x" + height + " needs " + 3 * width * height
                    + " samples, got " + rgb.length);
        }
    }

    /** The sample of channel c (0 red, 1 green, 2 blue) at (x, y). */
    public float sample(int c, int y, int x) {
        return rgb[(c * height + y) * width + x];
    }

    /** Interleaved 8-bit RGB, rows top to bottom, quantised as {@link #quantise} does. */
    public byte[] toRgb8() {
        byte[] out = new byte[3 * width * height];
        int n = width * height;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[i * 3 + c] = (byte) quantise(rgb[c * n + i]);
            }
        }
        return out;
    }

    /**
     * The 8-bit value of a sample in [-1, 1] as torchvision's {@code save_image(normalize=True, value_range=(-1, 1))}
     * quantises it (DiT's {@code sample.py}): {@code floor(clamp((v + 1) / 2, 0, 1) · 255 + 0.5)}.
     */
    public static int quantise(double v) {
        double unit = Math.min(1, Math.max(0, (v + 1) / 2));
        return (int) Math.floor(unit * 255 + 0.5);
    }
}
