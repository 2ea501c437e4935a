package jdit.pipeline;

/** Where a generation is after a denoising step: steps done of the total, and the time the steps took so far. */
public record StepProgress(int done, int steps, long elapsedNanos) {
    /** Steps per second so far. */
    public double stepsPerSecond() {
        return elapsedNanos == 0 ? 0 : done * 1e9 / elapsedNanos;
    }

    /** Estimated seconds left at the rate so far. */
    public double secondsLeft() {
        return done == 0 ? Double.NaN : (steps - done) * (elapsedNanos / 1e9) / done;
    }
}
