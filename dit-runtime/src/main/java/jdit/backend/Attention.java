package jdit.backend;

import jdit.attention.AttentionPlan;
import jdit.tensor.Tensor;

/** The attention kernel: scaled dot-product attention per head, computing the pairs an {@link AttentionPlan} names. */
public interface Attention {
    /**
     * {@code out[b, i, h] = Σ_j softmax_j(scale · q[b, i, h] · k[b, j, h]) · v[b, j, h]} over the pairs of
     * {@code plan}: q and out [B, Tq, H, Dh], k and v [B, Tk, H, Dh], any strides with unit stride in the last
     * dimension (so they may be views into a fused qkv projection); out must not alias the inputs.
     */
    default void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out) {
        attend(q, k, v, plan, scale, out, null);
    }

    /**
     * The same, also writing each query row's log-sum-exp of its scaled scores into {@code lse} [B, H, Tq] (F32,
     * contiguous; −inf for a row with no key) when it is not null: attention over disjoint key sets (a text part and a
     * video part) then merges exactly, {@code O = Σ exp(lse_i − lse) O_i} with {@code lse = log Σ exp(lse_i)}.
     */
    void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out, Tensor lse);

    /** Shape checks every implementation shares. */
    static void checkShapes(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse) {
        checkShapes(q, k, v, out);
        if (lse != null && (lse.rank() != 3 || lse.dim(0) != q.dim(0) || lse.dim(1) != q.dim(2) || lse.dim(2) != q.dim(1)
                || !lse.isContiguous())) {
            throw new IllegalArgumentException("lse must be a contiguous [B, H, Tq] = [" + q.dim(0) + ", " + q.dim(2) + ", "
                    + q.dim(1) + "], got " + lse.shape());
        }
    }

    /** Shape checks every implementation shares. */
    static void checkShapes(Tensor q, Tensor k, Tensor v, Tensor out) {
        boolean ok = q.rank() == 4 && k.rank() == 4 && v.rank() == 4 && out.shape().equals(q.shape())
                && k.shape().equals(v.shape()) && k.dim(0) == q.dim(0) && k.dim(2) == q.dim(2) && k.dim(3) == q.dim(3);
        if (!ok) {
            throw new IllegalArgumentException("attention needs q, out [B, Tq, H, Dh] and k, v [B, Tk, H, Dh]; got q "
                    + q.shape() + ", k " + k.shape() + ", v " + v.shape() + ", out " + out.shape());
        }
    }
}
