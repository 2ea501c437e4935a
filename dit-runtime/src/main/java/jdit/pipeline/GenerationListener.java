package jdit.pipeline;

/**
 * Hears about a generation as it runs and may cancel it. Both calls come from the generating thread, between steps;
 * a cancellation is honoured before the next step starts.
 */
public interface GenerationListener {
    /** Nothing to hear, never cancels. */
    GenerationListener NONE = new GenerationListener() {
    };

    /** After each denoising step. */
    default void stepDone(StepProgress progress) {
    }

    /** Steps between previews of the clean-sample estimate; 0 for none. */
    default int previewEvery() {
        return 0;
    }

    /**
     * The decoded estimate of the clean sample after {@code done} steps, in [-1, 1]: images [B, 3, H, W], or a video's
     * first frame [1, 3, 1, H, W] (decoding every frame at every preview would cost more than the steps). The tensor
     * is valid during the call only.
     */
    default void preview(int done, jdit.tensor.Tensor decoded) {
    }

    /** Asked before each step; true stops the generation with a {@link GenerationCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
