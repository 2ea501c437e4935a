package jdit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.attention.TileDecisions;
import org.junit.jupiter.api.Test;

/** Which calls may go to cuDNN: dense work only, on the BF16 backend, for shapes cuDNN's flash attention takes. */
class SdpaRouteTest {
    private static Optional<String> route(AttentionPlan plan, int tq, int tk, int d) {
        return SdpaRoute.refusal(plan, tq, tk, d, true, 9, DenseAttention.CUDNN);
    }

    /** Every tile FULL but one of {@code kind}: 1 FULL, 2 PARTIAL, 0 left out. */
    private static AttentionPlan.BlockSparse plan(int tokens, int block, byte oddTile, TileDecisions decisions, int[][] orders) {
        int tiles = (tokens + block - 1) / block;
        byte[][] map = new byte[tiles][tiles];
        for (byte[] row : map) {
            java.util.Arrays.fill(row, (byte) 1);
        }
        map[1][0] = oddTile;
        HeadBlocks h = HeadBlocks.fromMap(map);
        return new AttentionPlan.BlockSparse(block, block, tokens, tokens, Collections.nCopies(2, h), (i, j) -> i >= j,
                decisions, orders);
    }

    @Test
    void denseWorkGoesToCudnn() {
        assertEquals(Optional.empty(), route(AttentionPlan.DENSE, 200, 77, 72));
        assertEquals(Optional.empty(), route(AttentionPlan.BlockSparse.all(12, 1000, 1000, 64, 64), 1000, 1000, 128),
                "the all-tiles plan with ragged last tiles");
        assertEquals(Optional.empty(), route(plan(300, 64, (byte) 1, null, null), 300, 300, 64),
                "every tile FULL: the mask is never consulted");
        assertEquals(Optional.empty(), route(plan(300, 64, (byte) 1, null, new int[2][]), 300, 300, 64),
                "orders that are all null are the identity");
    }

    @Test
    void sparseOrderedOrRecordingPlansStayOnTheKernel() {
        assertTrue(route(plan(300, 64, (byte) 0, null, null), 300, 300, 64).orElseThrow().contains("sparse"));
        assertTrue(route(plan(300, 64, (byte) 2, null, null), 300, 300, 64).isPresent(), "a PARTIAL tile needs the mask");
        int[][] orders = new int[2][];
        orders[1] = new int[300];
        for (int i = 0; i < 300; i++) {
            orders[1][i] = 299 - i;
        }
        assertTrue(route(plan(300, 64, (byte) 1, null, orders), 300, 300, 64).isPresent(), "a head order");
        assertTrue(route(plan(300, 64, (byte) 1, new TileDecisions(1, 2, 5, 5, -3), null), 300, 300, 64).isPresent(),
                "LiteAttention records verdicts per tile");
        List<HeadBlocks> heads = List.of(HeadBlocks.all(5, 5), HeadBlocks.fromMap(new byte[][] {
            {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}}));
        assertFalse(SdpaRoute.isDense(new AttentionPlan.BlockSparse(64, 64, 300, 300, heads, ElementMask.ALL)),
                "one head missing one tile");
    }

    @Test
    void optionsBackendAndShapeLimits() {
        assertTrue(SdpaRoute.refusal(AttentionPlan.DENSE, 64, 64, 64, true, 9, DenseAttention.KERNEL).orElseThrow()
                .contains("options"));
        assertTrue(SdpaRoute.refusal(AttentionPlan.DENSE, 64, 64, 64, false, 9, DenseAttention.CUDNN).orElseThrow()
                .contains("FP32"));
        assertTrue(SdpaRoute.refusal(AttentionPlan.DENSE, 64, 64, 64, true, 7, DenseAttention.CUDNN).orElseThrow()
                .contains("8.0"));
        assertEquals(Optional.empty(), SdpaRoute.refusal(AttentionPlan.DENSE, 64, 64, 64, true, 8, DenseAttention.CUDNN));
        assertTrue(route(AttentionPlan.DENSE, 64, 64, 100).isPresent(), "head size not a multiple of 8");
        assertTrue(route(AttentionPlan.DENSE, 64, 64, 136).isPresent(), "head size over 128");
        assertEquals(Optional.empty(), route(AttentionPlan.DENSE, 64, 64, 8));
        assertTrue(route(AttentionPlan.DENSE, 64, 0, 64).isPresent(), "no keys: the kernel writes the empty rows");
    }
}
