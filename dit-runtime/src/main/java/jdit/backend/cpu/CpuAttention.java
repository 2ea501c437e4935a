package jdit.backend.cpu;

import jdit.attention.AttentionPlan;
import jdit.backend.Attention;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * The CPU attention: every plan runs on the one {@link BlockSparseKernel}; dense attention is its all-tiles plan
 * (256 query rows x 128 keys), and its memory does not grow with the square of the sequence.
 */
final class CpuAttention implements Attention {
    /** Tile sides of the dense plan. */
    static final int DENSE_TILE = 128;
    /** Query rows per tile of the dense plan: taller tiles read each key tile once for more rows. */
    static final int DENSE_QUERY_TILE = 256;
    private final BlockSparseKernel kernel;

    CpuAttention(Parallel parallel) {
        this.kernel = new BlockSparseKernel(parallel);
    }

    @Override
    public void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out, Tensor lse) {
        Attention.checkShapes(q, k, v, out, lse);
        for (Tensor t : new Tensor[] {q, k, v, out}) {
            if (t.dtype() != DType.F32 || t.stride(3) != 1) {
                throw new IllegalArgumentException("CPU attention needs F32 tensors with unit stride in D, got " + t);
            }
        }
        AttentionPlan.BlockSparse p = switch (plan) {
            case AttentionPlan.BlockSparse sparse -> sparse;
            case AttentionPlan.Dense dense -> AttentionPlan.BlockSparse.all((int) q.dim(2), (int) q.dim(1), (int) k.dim(1),
                    DENSE_QUERY_TILE, DENSE_TILE);
        };
        kernel.run(q, k, v, p, scale, out, lse);
    }
}
