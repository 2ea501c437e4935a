package jdit.api;

import java.util.List;
import java.util.Optional;
import jdit.profile.OpStats;

/**
 * What a generation made: the decoded frames (one per image for DiT, in order for videos), the wall time, and the
 * per-op statistics (time, FLOPs, per op kind and per block) when the request asked for profiling.
 */
public record GenerationResult(List<Frame> frames, double seconds, Optional<OpStats> profile) {
    public GenerationResult {
        frames = List.copyOf(frames);
    }
}
