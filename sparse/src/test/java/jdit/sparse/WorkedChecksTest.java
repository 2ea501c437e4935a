package jdit.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionPlan;
import jdit.attention.GuidanceBranch;
import jdit.attention.TokenGrid;
import jdit.sparse.layout.TileOrder;
import jdit.sparse.nabla.NablaMethod;
import jdit.sparse.nabla.NablaParams;
import jdit.sparse.sta.StaWindow;
import jdit.sparse.svg.SvgMasks;
import jdit.sparse.svg.SvgParams;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The worked reference checks of sparse-methods.md section 7 for SVG and NABLA (values computed there in float64). */
class WorkedChecksTest {
    private static SvgParams budget(double s) {
        return new SvgParams(s, 0, 0, 1, 1, 0);
    }

    @Test
    void svgBandWidthsAndWanDensity() { // checks 1 and 2
        assertEquals(2.8134665205267897, budget(0.25).multiplierFrames(21, 3600), 1e-12);
        assertEquals(3.430139442784413, budget(0.30).multiplierFrames(21, 3600), 1e-12);
        assertEquals(2.8134665205267892, budget(0.25).multiplierFrames(21, 1560), 1e-12);
        SvgMasks wan720 = new SvgMasks(21, 3600, budget(0.25).multiplierFrames(21, 3600));
        assertEquals(10_240, wan720.bandWidth());
        long s = 75_600;
        long w = wan720.bandWidth();
        long kept = 0; // rows of the band plus the sink columns outside it, counted in closed form per row
        for (long q = 0; q < s; q++) {
            long lo = Math.max(0, q - w);
            long hi = Math.min(s - 1, q + w);
            long band = hi - lo + 1;
            long sinkOutside = Math.max(0, Math.min(3600, lo)); // sink keys k < P below the band
            kept += band + sinkOutside;
        }
        assertEquals(0.29259923434, (double) kept / (s * s), 1e-10);
        SvgMasks small = new SvgMasks(4, 64, 1);
        assertEquals(128, small.bandWidth());
    }

    @Test
    void svgTokenMajorPermutation() { // check 3
        SvgMasks m = new SvgMasks(3, 4, 1);
        int[] positions = new int[12];
        for (int i = 0; i < 12; i++) {
            positions[i] = m.tokenMajor(i);
        }
        assertArrayEquals(new int[] {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11}, positions);
        assertEquals(4, m.tokenMajor(5));
        for (int i = 0; i < 12; i++) {
            assertEquals(i, m.frameMajor(m.tokenMajor(i)));
        }
    }

    @Test
    void nablaTileIndices() { // check 8
        int[] order = TileOrder.of(new TokenGrid(2, 16, 24));
        int[] position = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            position[order[i]] = i;
        }
        int[][] cases = {{0, 0, 0, 0}, {0, 0, 7, 7}, {0, 0, 8, 64}, {0, 1, 0, 8}, {0, 7, 7, 63}, {0, 8, 0, 192}, {1, 0, 0, 384},
            {0, 15, 23, 383}};
        for (int[] c : cases) {
            assertEquals(c[3], position[(c[0] * 16 + c[1]) * 24 + c[2]], java.util.Arrays.toString(c));
        }
    }

    /** One 64-token block per entry of qbar / kbar (every token equal to its block's vector), D = 4. */
    private static Tensor blocks(double[][] rows) {
        Tensor t = Tensor.allocate(Arena.ofAuto(), DType.F32, 1, 64 * rows.length, 1, 4);
        for (int b = 0; b < rows.length; b++) {
            for (int i = 0; i < 64; i++) {
                for (int d = 0; d < 4; d++) {
                    t.setDouble(rows[b][d], 0, b * 64 + i, 0, d);
                }
            }
        }
        return t;
    }

    private static int[][] keep(String spec, Tensor q, Tensor k) {
        NablaMethod m = new NablaMethod(NablaParams.parse(spec));
        AttentionContext ctx = new AttentionContext(0, 1, 0, 0, 1, GuidanceBranch.UNGUIDED, new TokenGrid(1, 16, 16), 1, 4);
        AttentionPlan.BlockSparse p = (AttentionPlan.BlockSparse) m.plan(ctx, q, k, null);
        var hb = p.heads().get(0);
        int[][] out = new int[4][4];
        for (int r = 0; r < 4; r++) {
            for (int a = hb.start(r); a < hb.end(r); a++) {
                out[r][hb.col(a)] = 1;
            }
        }
        return out;
    }

    @Test
    void nablaConstantBlocksAndStaUnion() { // checks 9 and 10
        double[][] qbar = {{3, 1, 0.5, 0}, {0, 2, 1, 0.5}, {1, 0.2, 0, 3}, {0.5, 1.5, 2.5, 0.1}};
        double[][] kbar = {{2, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 2}};
        Tensor q = blocks(qbar);
        Tensor k = blocks(kbar);
        assertArrayEquals(new int[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 1}, {0, 0, 1, 0}}, keep("thr=0.5", q, k));
        assertArrayEquals(new int[][] {{1, 0, 0, 0}, {0, 1, 1, 0}, {0, 0, 0, 1}, {0, 1, 1, 0}}, keep("thr=0.7", q, k));
        assertArrayEquals(new int[][] {{1, 1, 1, 0}, {0, 1, 1, 1}, {1, 0, 0, 1}, {1, 1, 1, 0}}, keep("thr=0.9", q, k));
        // the grid of 2x2 tiles of 8x8 patches, one frame: STA (1, 1, 3) keeps the same tile row
        assertArrayEquals(new int[][] {{1, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 1}, {0, 0, 1, 1}}, keep("thr=0.5,sta=1x1x3", q, k));
    }

    private static long active(StaWindow w, TokenGrid tiles) {
        long n = 0;
        for (boolean[] row : w.mask(tiles)) {
            for (boolean b : row) {
                n += b ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void staCounts() { // check 11
        assertEquals(73_164, active(new StaWindow(11, 3, 3), new TokenGrid(21, 5, 10)));
        assertEquals(168_036, active(new StaWindow(11, 5, 5), new TokenGrid(21, 5, 10)));
        assertEquals(28, active(new StaWindow(3, 1, 1), new TokenGrid(3, 2, 2)));
        assertEquals(24, active(new StaWindow(1, 3, 1), new TokenGrid(2, 2, 3)));
    }
}
