package jdit.api;

import jdit.pipeline.StepProgress;

/** Hears each finished denoising step (step, total, elapsed), on the generating thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = p -> {
    };

    void stepDone(StepProgress progress);
}
