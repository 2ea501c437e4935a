package jdit.sparse.svg;

import jdit.attention.ElementMask;

/**
 * Where Sparse VideoGen's masks come from for one model family's sequence layout: the two profiling masks, the band
 * every head runs in its own order, and the order a temporal head sees (video token-major, text in place). Indices
 * are sequence positions (text included).
 */
public sealed interface SvgLayout permits SvgMasks, SvgTextMasks {
    int tokens();

    boolean spatial(int i, int j);

    boolean temporal(int i, int j);

    ElementMask band();

    /** order[j] = the sequence position whose token a temporal head sees at position j. */
    int[] tokenMajorOrder();

    /** Video frames F and tokens per frame P, and the band half-width in frames, from the density budget. */
    static double multiplierFrames(double sparsity, int text, int frames, int perFrame) {
        double l = text + (double) frames * perFrame;
        double s = (sparsity * l * l - 2 * l * text) / (l * l);
        return l * (1 - Math.sqrt(1 - s)) / perFrame;
    }
}
