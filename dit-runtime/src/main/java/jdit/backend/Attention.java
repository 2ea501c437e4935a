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
    void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out);

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
