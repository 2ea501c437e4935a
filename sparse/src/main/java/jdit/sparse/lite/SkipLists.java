package jdit.sparse.lite;

import java.util.ArrayList;
import java.util.List;
import jdit.attention.TileDecisions;

/**
 * One layer's LiteAttention state: for every (head, query tile) the key tiles the next call computes, as the public
 * kernel keeps them: descending (start, end) ranges with inclusive ends. Rewritten after each call from that call's
 * verdicts, so a decision takes effect from the next call and a dropped tile never comes back.
 */
final class SkipLists {
    private final int heads;
    private final int queryTiles;
    private final int keyTiles;
    private final int[][][] ranges; // [head][query tile] -> start0, end0, start1, end1, ... (descending)

    SkipLists(int heads, int queryTiles, int keyTiles) {
        this.heads = heads;
        this.queryTiles = queryTiles;
        this.keyTiles = keyTiles;
        this.ranges = new int[heads][queryTiles][];
        for (int[][] h : ranges) {
            for (int q = 0; q < queryTiles; q++) {
                h[q] = new int[] {keyTiles - 1, 0};
            }
        }
    }

    boolean fits(int h, int q, int k) {
        return h == heads && q == queryTiles && k == keyTiles;
    }

    /** The list as the kernel's state row: [length, start0, end0, ...]. */
    int[] row(int h, int q) {
        int[] r = ranges[h][q];
        int[] out = new int[r.length + 1];
        out[0] = r.length;
        System.arraycopy(r, 0, out, 1, r.length);
        return out;
    }

    /** The key tiles listed for (h, q), as a keep row. */
    boolean[] listed(int h, int q) {
        boolean[] keep = new boolean[keyTiles];
        int[] r = ranges[h][q];
        for (int i = 0; i < r.length; i += 2) {
            for (int t = r[i]; t >= r[i + 1]; t--) {
                keep[t] = true;
            }
        }
        return keep;
    }

    /**
     * Applies one call's verdicts (a tile counts as negligible only if it was for every batch entry). {@code exact}
     * drops every negligible tile; otherwise the v0.2.0 writer: a run of computed tiles starts at the first tile the
     * kernel needs again and ends, inclusively, at the first negligible one after it, so that tile stays listed.
     */
    void update(TileDecisions d, LiteParams p) {
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < queryTiles; q++) {
                ranges[h][q] = p.exact() ? exactRow(d, h, q, p) : writerRow(d, h, q, p);
            }
        }
    }

    private static boolean skip(TileDecisions d, int h, int q, int k, LiteParams p) {
        if (p.forced(k)) {
            return false;
        }
        for (int b = 0; b < d.batch(); b++) {
            if (d.get(b, h, q, k) != 1) {
                return false;
            }
        }
        return true;
    }

    private int[] writerRow(TileDecisions d, int h, int q, LiteParams p) {
        int[] read = ranges[h][q];
        List<Integer> out = new ArrayList<>();
        boolean inRun = false;
        for (int i = 0; i < read.length; i += 2) {
            for (int t = read[i]; t >= read[i + 1]; t--) {
                boolean negligible = skip(d, h, q, t, p);
                if (!negligible && !inRun) {
                    out.add(t);
                    inRun = true;
                } else if (negligible && inRun) {
                    out.add(t);
                    inRun = false;
                }
            }
            if (inRun) {
                out.add(read[i + 1]);
                inRun = false;
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] exactRow(TileDecisions d, int h, int q, LiteParams p) {
        boolean[] keep = listed(h, q);
        List<Integer> out = new ArrayList<>();
        int t = keyTiles - 1;
        while (t >= 0) {
            if (keep[t] && !skip(d, h, q, t, p)) {
                int start = t;
                while (t - 1 >= 0 && keep[t - 1] && !skip(d, h, q, t - 1, p)) {
                    t--;
                }
                out.add(start);
                out.add(t);
            }
            t--;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
