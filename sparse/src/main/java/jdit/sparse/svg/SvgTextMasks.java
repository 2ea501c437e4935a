package jdit.sparse.svg;

import jdit.attention.ElementMask;
import jdit.attention.TextSegment;

/**
 * Sparse VideoGen's masks for sequences with text, as its CogVideoX code (text before the video) and HunyuanVideo code
 * (text after it, {@code valid} real prompt slots then padding) build them: profiling bands of
 * {@code (1.5·P)/128} 128-token blocks with no first-frame sink, and the run-time band {@code |q − k| <
 * floor(mul·P/128)·128} (rounded down, strict, unlike Wan's). Text handling follows each code, quirks included:
 * CogVideoX's spatial band sits on absolute indices below {@code ceil(F·P/128)·128} (not shifted by the text) and its
 * temporal mask leaves text rows and columns out; HunyuanVideo keeps every text row and column in both profiling
 * masks, and in the band lets real text attend and be attended while padding slots attend only to each other.
 */
public record SvgTextMasks(TextSegment text, int frames, int perFrame, double multiplier) implements SvgLayout {
    private static final int BLOCK = 128;

    public SvgTextMasks {
        if (text.position() == TextSegment.Position.NONE) {
            throw new IllegalArgumentException("SvgTextMasks is for sequences with text; use SvgMasks");
        }
    }

    @Override
    public int tokens() {
        return text.length() + frames * perFrame;
    }

    private boolean prefix() {
        return text.position() == TextSegment.Position.PREFIX;
    }

    private int videoStart() {
        return prefix() ? text.length() : 0;
    }

    private boolean isText(int i) {
        return prefix() ? i < text.length() : i >= frames * perFrame;
    }

    /** Token-major offset of the video token at position i. */
    private int tokenMajorOffset(int i) {
        int j = i - videoStart();
        return (j % perFrame) * frames + j / perFrame;
    }

    private int blocksWide() {
        return (3 * perFrame / 2) / BLOCK;
    }

    @Override
    public boolean spatial(int i, int j) {
        if (isText(i) || isText(j)) {
            return true;
        }
        if (prefix()) {
            int limit = (frames * perFrame + BLOCK - 1) / BLOCK * BLOCK; // absolute indices, not shifted by the text
            return i < limit && j < limit && Math.abs(i / BLOCK - j / BLOCK) < blocksWide();
        }
        return Math.abs(i / BLOCK - j / BLOCK) < blocksWide();
    }

    @Override
    public boolean temporal(int i, int j) {
        if (isText(i) || isText(j)) {
            return !prefix();
        }
        return Math.abs(tokenMajorOffset(i) / BLOCK - tokenMajorOffset(j) / BLOCK) < blocksWide();
    }

    @Override
    public ElementMask band() {
        int width = (int) Math.floor(multiplier * perFrame / BLOCK) * BLOCK;
        if (prefix()) {
            int ctx = text.length();
            return (q, k) -> q < ctx || k < ctx || Math.abs(q - k) < width;
        }
        int video = frames * perFrame;
        int real = video + text.valid();
        return (q, k) -> {
            if (q >= real || k >= real) {
                return q >= real && k >= real;
            }
            return Math.abs(q - k) < width || q >= video || k >= video;
        };
    }

    @Override
    public int[] tokenMajorOrder() {
        int[] order = new int[tokens()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int start = videoStart();
        for (int j = 0; j < frames * perFrame; j++) { // position start + j holds video offset (j%F)·P + j/F
            order[start + j] = start + (j % frames) * perFrame + j / frames;
        }
        return order;
    }

    /** Where the token at position i goes after placement (text stays). */
    public int placed(int i) {
        return isText(i) ? i : videoStart() + tokenMajorOffset(i);
    }
}
