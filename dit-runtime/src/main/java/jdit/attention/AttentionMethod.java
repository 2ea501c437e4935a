package jdit.attention;

import jdit.tensor.Tensor;

/**
 * Decides how each self-attention layer is computed. A method is created per generation (it may keep state across
 * steps and layers) and asked for a plan once per layer call; the model then runs the backend's attention kernel
 * with that plan. Cross-attention never goes through a method.
 */
public interface AttentionMethod {
    /** The name it was selected by, with its parameters, for reports. */
    String description();

    /**
     * The plan for this layer. {@code q}, {@code k} and {@code v} are [B, T, H, Dh] views (unit stride in the last
     * dimension, after RoPE) for methods that look at the data (NABLA pools q and k, Sparse VideoGen profiles rows of
     * all three); most methods only read {@code ctx}.
     */
    AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v);

    /**
     * A token order for the whole forward, or empty for the model's natural order: {@code order[i]} is the natural
     * index ({@code (f·H + h)·W + w}) of the token at sequence position i. The model permutes its tokens (and RoPE
     * tables) once after the patch embedding and restores the natural order before its output layer, so every
     * self-attention of the forward sees this order (NABLA's 8x8 tile order).
     */
    default java.util.Optional<int[]> tokenOrder(TokenGrid grid) {
        return java.util.Optional.empty();
    }

    /** Forgets per-generation state; called before a generation starts. */
    default void reset() {
    }
}
