package jdit.backend;

import jdit.tensor.Tensor;

/** Element-wise and row-wise ops. Outputs may alias their first input. */
public interface Pointwise {
    /** {@code out = op(x)}, same shapes. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** {@code out = op(a, b)} with NumPy broadcasting of a and b to out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** {@code out = alpha * a + beta * b}, same shapes (the sampler's workhorse). */
    void scaleAdd(Tensor a, float alpha, Tensor b, float beta, Tensor out);

    /**
     * adaLN modulation {@code out = x * (1 + scale) + shift}: x [B, N, C], shift and scale [B, C] (broadcast over
     * N) or [B, N, C].
     */
    void modulate(Tensor x, Tensor shift, Tensor scale, Tensor out);

    /**
     * The gated residual of adaLN-Zero blocks, {@code out = x + gate * y}: x, y and out [B, N, C], gate [B, C]
     * (broadcast over N) or [B, N, C]. out may alias x.
     */
    void gatedAdd(Tensor x, Tensor y, Tensor gate, Tensor out);

    /** Softmax over the last dimension, {@code exp(scale*x - max) / sum}: x and out [..., N]. */
    void softmax(Tensor x, float scale, Tensor out);

    /**
     * Rotary embedding: x [..., S, H, D] (S positions, H heads, D head dim), cos and sin [S, D/2] (one angle per
     * position and pair); each pair (per {@code style}) is rotated by its angle. out has x's shape.
     */
    void rope(Tensor x, Tensor cos, Tensor sin, RopeStyle style, Tensor out);
}
