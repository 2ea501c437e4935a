package jdit.api;

import jdit.backend.Backend;
import jdit.pipeline.GenerationListener;

/** One model family's generation on a loaded model: defaults resolved, the pipeline run, frames collected. */
sealed interface Engine extends AutoCloseable permits DitEngine, WanEngine, LatteEngine {
    String description();

    /** Runs {@code r} on {@code be}; the listener hears steps and is asked about cancellation between them. */
    GenerationResult run(GenerationRequest r, Backend be, GenerationListener listener);

    @Override
    void close();
}
