package jdit.attention;

/**
 * Told by a model forward which transformer block its next ops belong to, so that a profiler can attribute time per
 * layer: {@code enter(i)} before block i, {@code enter(OUTSIDE_BLOCKS)} for the embeddings and the final layer.
 */
@FunctionalInterface
public interface LayerProbe {
    /** The layer index for ops outside the transformer blocks. */
    int OUTSIDE_BLOCKS = -1;

    /** Hears nothing. */
    LayerProbe NONE = layer -> {
    };

    void enter(int layer);
}
