package jdit.attention;

/**
 * LiteAttention's per-tile verdicts, written by the kernel during one call: for every (batch, head, query tile, key
 * tile) −1 when not tested (not visited, or the first tile visited in its row), 0 when the tile mattered, 1 when it
 * was negligible: every query row's tile maximum stayed at least {@code −thresholdLog2} below the running maximum
 * before it, {@code (mloc − m_prev)·scale·log2(e) <= thresholdLog2}. Tiles are visited in descending order when a
 * plan carries decisions, as LiteAttention's kernel does. A ragged last query tile is never negligible (the
 * reference kernel's padding rows score 0 and always vote for the tile).
 */
public final class TileDecisions {
    private final int heads;
    private final int queryTiles;
    private final int keyTiles;
    private final double thresholdLog2;
    private final byte[] verdicts;

    public TileDecisions(int batch, int heads, int queryTiles, int keyTiles, double thresholdLog2) {
        this.heads = heads;
        this.queryTiles = queryTiles;
        this.keyTiles = keyTiles;
        this.thresholdLog2 = thresholdLog2;
        this.verdicts = new byte[batch * heads * queryTiles * keyTiles];
        java.util.Arrays.fill(verdicts, (byte) -1);
    }

    public double thresholdLog2() {
        return thresholdLog2;
    }

    public int batch() {
        return verdicts.length / (heads * queryTiles * keyTiles);
    }

    private int index(int b, int h, int qt, int kt) {
        return ((b * heads + h) * queryTiles + qt) * keyTiles + kt;
    }

    /** Recorded by the kernel; each (b, h, query tile) is written by one task only. */
    public void set(int b, int h, int qt, int kt, byte verdict) {
        verdicts[index(b, h, qt, kt)] = verdict;
    }

    public byte get(int b, int h, int qt, int kt) {
        return verdicts[index(b, h, qt, kt)];
    }

    /** How many tiles carry {@code verdict}. */
    public long count(byte verdict) {
        long n = 0;
        for (byte v : verdicts) {
            n += v == verdict ? 1 : 0;
        }
        return n;
    }
}
