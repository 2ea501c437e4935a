package jdit.sparse.sta;

import jdit.attention.TokenGrid;

/**
 * A sliding-tile window in the units of NABLA's code: {@code frames} in latent frames, {@code height} and
 * {@code width} in 8x8 tiles (the paper's "STA(11, 24, 24)" in patches is {@code 11x3x3} here). Tile pair (i, j)
 * is kept iff |Δt| <= frames/2, |Δh| <= height/2 and |Δw| <= width/2 (integer halves).
 */
public record StaWindow(int frames, int height, int width) {
    public StaWindow {
        if (frames < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("an STA window needs positive sides, got " + frames + "x" + height + "x" + width);
        }
    }

    /** "11x3x3" (frames x height-tiles x width-tiles). */
    public static StaWindow parse(String s) {
        String[] p = s.trim().split("x");
        try {
            if (p.length == 3) {
                return new StaWindow(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("an STA window is FRAMESxHEIGHTxWIDTH in latent frames and 8x8 tiles, e.g. 11x3x3; got '"
                + s + "'");
    }

    /** The kept tile pairs of a tile grid, [N][N] with N = its tile count. */
    public boolean[][] mask(TokenGrid tiles) {
        int n = tiles.tokens();
        boolean[][] keep = new boolean[n][n];
        int hw = tiles.height() * tiles.width();
        for (int i = 0; i < n; i++) {
            int ti = i / hw, hi = (i % hw) / tiles.width(), wi = i % tiles.width();
            for (int j = 0; j < n; j++) {
                int tj = j / hw, hj = (j % hw) / tiles.width(), wj = j % tiles.width();
                keep[i][j] = Math.abs(ti - tj) <= frames / 2 && Math.abs(hi - hj) <= height / 2 && Math.abs(wi - wj) <= width / 2;
            }
        }
        return keep;
    }

    @Override
    public String toString() {
        return frames + "x" + height + "x" + width;
    }
}
