package jdit.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionMethods;
import jdit.attention.AttentionPlan;
import jdit.attention.GuidanceBranch;
import jdit.attention.HeadBlocks;
import jdit.attention.TokenGrid;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.Test;

/**
 * {@code nabla+lite}: on the golden NABLA inputs the first call computes exactly NABLA's tiles (LiteAttention's
 * lists start full), the kernel's verdicts then shrink the next call's tiles to a subset of NABLA's, and the
 * grammar names what it built; methods that cannot combine say why.
 */
class CompositionTest {
    private static final Path ROOT = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    private static boolean[][] tiles(AttentionPlan.BlockSparse p, int h) {
        HeadBlocks hb = p.heads().get(h);
        boolean[][] m = new boolean[hb.queryBlocks()][hb.queryBlocks()];
        for (int r = 0; r < hb.queryBlocks(); r++) {
            for (int a = hb.start(r); a < hb.end(r); a++) {
                m[r][hb.col(a)] = true;
            }
        }
        return m;
    }

    @Test
    void nablaFilteredByLiteSkipState() {
        try (SafetensorsReader r = SafetensorsReader.open(ROOT.resolve("sparse/nabla/nabla_masks_T2_16x16.safetensors"));
             Workspace ws = new Workspace(); CpuBackend cpu = CpuBackend.create(2, true)) {
            Tensor q = ws.copy(r.tensor("q_rope_tiled").transpose(1, 2));
            Tensor k = ws.copy(r.tensor("k_rope_tiled").transpose(1, 2));
            Tensor v = ws.copy(r.tensor("v_tiled").transpose(1, 2));
            TokenGrid grid = new TokenGrid(2, 16, 16);
            AttentionMethod nabla = AttentionMethods.create("nabla:thr=0.8");
            AttentionMethod both = AttentionMethods.create("nabla:thr=0.8+lite:thr=-0.01,exact");
            assertTrue(both.description().startsWith("nabla:thr=0.8+lite:thr=-0.01"), both.description());
            assertTrue(both.tokenOrder(grid).isPresent(), "NABLA's tile order passes through");
            AttentionContext ctx = new AttentionContext(0, 2, 900, 0, 1, GuidanceBranch.UNGUIDED, grid, 2, 32);
            AttentionPlan.BlockSparse alone = (AttentionPlan.BlockSparse) nabla.plan(ctx, q, k, v);
            AttentionPlan.BlockSparse first = (AttentionPlan.BlockSparse) both.plan(ctx, q, k, v);
            for (int h = 0; h < 2; h++) {
                assertEquals(java.util.Arrays.deepToString(tiles(alone, h)), java.util.Arrays.deepToString(tiles(first, h)));
            }
            cpu.backend().attention().attend(q, k, v, first, 0.1768f, ws.allocate(DType.F32, q.shape()));
            AttentionContext next = new AttentionContext(1, 2, 800, 0, 1, GuidanceBranch.UNGUIDED, grid, 2, 32);
            AttentionPlan.BlockSparse second = (AttentionPlan.BlockSparse) both.plan(next, q, k, v);
            assertTrue(second.density() < first.density(), second.density() + " after " + first.density());
            for (int h = 0; h < 2; h++) {
                boolean[][] a = tiles(first, h), b = tiles(second, h);
                for (int i = 0; i < a.length; i++) {
                    for (int j = 0; j < a.length; j++) {
                        assertTrue(a[i][j] || !b[i][j], "a tile came back at (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    @Test
    void incompatibleCombinationsAreRefused() {
        TokenGrid grid = new TokenGrid(1, 16, 16);
        AttentionContext ctx = new AttentionContext(20, 30, 100, 0, 1, GuidanceBranch.UNGUIDED, grid, 1, 16);
        Tensor q = Tensor.allocate(java.lang.foreign.Arena.ofAuto(), DType.F32, 1, 256, 1, 16);
        AttentionMethod mixedTiles = AttentionMethods.create("sta:1x1x1,warmup=0+lite:tile=128");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mixedTiles.plan(ctx, q, q, q));
        assertTrue(e.getMessage().contains("same tile size"), e.getMessage());
        AttentionMethod twoLites = AttentionMethods.create("lite+lite");
        e = assertThrows(IllegalArgumentException.class, () -> twoLites.plan(ctx, q, q, q));
        assertTrue(e.getMessage().contains("tile verdicts"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttentionMethods.create("nabla+nope"));
    }
}
