package jdit.sparse.svg;

import jdit.attention.ElementMask;

/**
 * Sparse VideoGen's masks for Wan (no text), over F frames of P tokens in frame-major order {@code f·P + p}; a
 * token's token-major position is {@code p·F + f}.
 * <ul>
 * <li>profiling "spatial": 128-token blocks within {@code (2·P)/128} blocks of each other, or keys of the first frame;
 * <li>profiling "temporal": the same pattern on the token-major positions of query and key;
 * <li>the band every head runs in its own order: {@code |q − k| <= ceil(mul·P/128)·128} or {@code k < P} (the
 *     first-frame sink, which for a token-major head covers the first P token-major positions, as the reference).
 * </ul>
 */
public record SvgMasks(int frames, int perFrame, double multiplier) implements SvgLayout {
    private static final int BLOCK = 128;

    @Override
    public int tokens() {
        return frames * perFrame;
    }

    public int tokenMajor(int i) {
        return (i % perFrame) * frames + i / perFrame;
    }

    /** The frame-major token at token-major position j. */
    public int frameMajor(int j) {
        return (j % frames) * perFrame + j / frames;
    }

    @Override
    public boolean spatial(int i, int j) {
        return Math.abs(i / BLOCK - j / BLOCK) < (2 * perFrame) / BLOCK || j < perFrame;
    }

    @Override
    public boolean temporal(int i, int j) {
        return spatial(tokenMajor(i), tokenMajor(j));
    }

    /** Half-width of the band in tokens: {@code ceil(mul·P/128)·128}. */
    public int bandWidth() {
        return (int) Math.ceil(multiplier * perFrame / BLOCK) * BLOCK;
    }

    @Override
    public ElementMask band() {
        int w = bandWidth();
        int sink = perFrame;
        return (q, k) -> Math.abs(q - k) <= w || k < sink;
    }

    /** order[j] = frame-major token at token-major position j: what a temporal head's positions hold. */
    @Override
    public int[] tokenMajorOrder() {
        int[] order = new int[frames * perFrame];
        for (int j = 0; j < order.length; j++) {
            order[j] = frameMajor(j);
        }
        return order;
    }
}
