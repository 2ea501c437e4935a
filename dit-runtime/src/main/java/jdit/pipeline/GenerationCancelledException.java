package jdit.pipeline;

/** A generation stopped because its listener asked, before the given step. */
public final class GenerationCancelledException extends RuntimeException {
    private final int step;

    public GenerationCancelledException(int step, int steps) {
        super("generation cancelled before step " + (step + 1) + " of " + steps);
        this.step = step;
    }

    /** The step that did not run (0-based). */
    public int step() {
        return step;
    }
}
