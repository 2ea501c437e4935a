package jdit.density;

import jdit.attention.TokenGrid;

/**
 * Blocks {@code [first, end)} of one forward computed on tokens pooled by {@code ft x fh x fw} (frames, height,
 * width): each side of the pooled grid is {@code ceil(side / f)}, a pooled token the mean of its bin (PyTorch's
 * adaptive average pooling bins, so sides need not divide). Factors of 1 everywhere make the span the identity.
 */
public record PoolSpan(int first, int end, int ft, int fh, int fw) {
    public PoolSpan {
        if (first < 0 || end <= first || ft < 1 || fh < 1 || fw < 1) {
            throw new IllegalArgumentException("invalid pooled span: blocks [" + first + ", " + end + "), factors "
                    + ft + "x" + fh + "x" + fw);
        }
    }

    /** True when nothing is pooled. */
    public boolean identity() {
        return ft == 1 && fh == 1 && fw == 1;
    }

    /** The pooled grid of {@code g}. */
    public TokenGrid pooled(TokenGrid g) {
        return new TokenGrid(ceil(g.frames(), ft), ceil(g.height(), fh), ceil(g.width(), fw));
    }

    /** Fraction of the tokens kept. */
    public double density(TokenGrid g) {
        return (double) pooled(g).tokens() / g.tokens();
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
