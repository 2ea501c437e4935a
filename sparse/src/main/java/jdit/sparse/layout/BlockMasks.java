package jdit.sparse.layout;

import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;

/** Turning kept-block matrices into the kernel's plans. */
public final class BlockMasks {
    private BlockMasks() {
    }

    /** One [N][N] keep matrix per head, as FULL tiles of {@code block} tokens over {@code tokens} tokens. */
    public static AttentionPlan.BlockSparse plan(List<boolean[][]> heads, int block, int tokens) {
        List<HeadBlocks> hs = new ArrayList<>();
        for (boolean[][] keep : heads) {
            byte[][] kind = new byte[keep.length][];
            for (int r = 0; r < keep.length; r++) {
                kind[r] = new byte[keep[r].length];
                for (int c = 0; c < keep[r].length; c++) {
                    kind[r][c] = (byte) (keep[r][c] ? 1 : 0);
                }
            }
            hs.add(HeadBlocks.fromMap(kind));
        }
        return new AttentionPlan.BlockSparse(block, block, tokens, tokens, hs, ElementMask.ALL);
    }
}
