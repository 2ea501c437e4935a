package jdit.sparse.layout;

import jdit.attention.TokenGrid;

/**
 * NABLA's token order: frame by frame, each frame cut into 8x8 tiles of patches taken row-major, the 64 tokens of a
 * tile row-major, so that each 64-token block is one tile: position {@code t·H·W + ((h/8)·(W/8) + w/8)·64 + (h%8)·8
 * + w%8} holds natural token {@code (t·H + h)·W + w}. Height and width in patches must be multiples of 8.
 */
public final class TileOrder {
    /** Tile side in patches, and tokens per block. */
    public static final int TILE = 8;
    public static final int BLOCK = TILE * TILE;

    private TileOrder() {
    }

    /** {@code order[i]} = the natural index of the token at tile-order position i. */
    public static int[] of(TokenGrid g) {
        requireTiles(g);
        int[] order = new int[g.tokens()];
        int tilesW = g.width() / TILE;
        for (int t = 0; t < g.frames(); t++) {
            for (int h = 0; h < g.height(); h++) {
                for (int w = 0; w < g.width(); w++) {
                    int pos = t * g.height() * g.width() + ((h / TILE) * tilesW + w / TILE) * BLOCK + (h % TILE) * TILE + w % TILE;
                    order[pos] = (t * g.height() + h) * g.width() + w;
                }
            }
        }
        return order;
    }

    /** The grid of tiles: frames x height/8 x width/8; block b of the tile order is tile b of this grid. */
    public static TokenGrid tiles(TokenGrid g) {
        requireTiles(g);
        return new TokenGrid(g.frames(), g.height() / TILE, g.width() / TILE);
    }

    private static void requireTiles(TokenGrid g) {
        if (g.height() % TILE != 0 || g.width() % TILE != 0) {
            throw new IllegalArgumentException("8x8 tiles need a patch grid whose height and width are multiples of 8, got "
                    + g + " (for Wan2.1: pixel height and width multiples of 128, e.g. 832x384 or 1280x640)");
        }
    }
}
