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

    /** Asked before each step; true stops the generation with a {@link GenerationCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
