package jdit.profile;

import java.util.List;

/**
 * A profile run: denoising steps per method, the attention methods in order (dense is added first when absent: every
 * ratio is against it), the noise seed, CPU threads, and token-density methods, each run with dense attention after
 * the attention methods.
 */
public record ProfileOptions(int steps, List<String> methods, long seed, int threads, List<String> densities) {
    public ProfileOptions {
        if (steps < 1 || threads < 1) {
            throw new IllegalArgumentException("steps and threads must be positive, got " + steps + " and " + threads);
        }
        methods = List.copyOf(methods);
        densities = List.copyOf(densities);
    }

    /** Attention methods only. */
    public ProfileOptions(int steps, List<String> methods, long seed, int threads) {
        this(steps, methods, seed, threads, List.of());
    }

    /** Hears where a profile run is, from the profiling thread. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (method, index, count, step, steps) -> {
        };

        /** Step {@code step} (1-based, of {@code steps}) of method {@code index} (0-based, of {@code count}) is done. */
        void stepDone(String method, int index, int count, int step, int steps);
    }
}
