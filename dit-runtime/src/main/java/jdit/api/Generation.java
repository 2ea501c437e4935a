package jdit.api;

import java.util.Optional;
import jdit.backend.Backend;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.StepProgress;
import jdit.profile.OpStats;
import jdit.profile.TimedBackend;

/**
 * One prepared generation: {@link #run()} on any thread, {@link #cancel()} from any other. A cancelled run stops
 * before its next step with a {@link jdit.pipeline.GenerationCancelledException}.
 */
public final class Generation {
    private final Engine engine;
    private final GenerationRequest request;
    private final Backend backend;
    private volatile boolean cancelled;

    Generation(Engine engine, GenerationRequest request, Backend backend) {
        this.engine = engine;
        this.request = request;
        this.backend = backend;
    }

    public GenerationResult run() {
        OpStats stats = request.profile() ? new OpStats() : null;
        Backend be = stats == null ? backend : TimedBackend.wrap(backend, stats);
        GenerationListener listener = new GenerationListener() {
            @Override
            public void stepDone(StepProgress progress) {
                request.listener().stepDone(progress);
            }

            @Override
            public boolean cancelled() {
                return cancelled;
            }
        };
        long start = System.nanoTime();
        GenerationResult r = engine.run(request, be, listener);
        return new GenerationResult(r.frames(), (System.nanoTime() - start) / 1e9, Optional.ofNullable(stats));
    }

    /** Asks the run to stop before its next step; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
