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
     * The plan for this layer. {@code q} and {@code k} are [B, T, H, Dh] views (unit stride in the last dimension)
     * for methods that look at the data; most methods only read {@code ctx}.
     */
    AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k);

    /** Forgets per-generation state; called before a generation starts. */
    default void reset() {
    }
}
