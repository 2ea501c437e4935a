package jdit.attention;

/**
 * The latent token grid an attention layer sees, frames x height x width in patches, token index
 * {@code (f·height + h)·width + w} in the model's natural order. Images have one frame.
 */
public record TokenGrid(int frames, int height, int width) {
    public TokenGrid {
        if (frames < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("token grid needs positive sides, got " + frames + "x" + height + "x" + width);
        }
    }

    /** An image's grid. */
    public static TokenGrid image(int height, int width) {
        return new TokenGrid(1, height, width);
    }

    public int tokens() {
        return frames * height * width;
    }

    @Override
    public String toString() {
        return frames + "x" + height + "x" + width;
    }
}
