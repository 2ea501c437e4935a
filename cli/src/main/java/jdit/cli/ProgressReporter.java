package jdit.cli;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.StepProgress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Reports denoising steps: a progress bar (step, it/s, ETA) when stderr is a terminal, one plain line per step
 * otherwise (logs, pipes, CI), so that redirected output stays readable.
 */
final class ProgressReporter implements GenerationListener, AutoCloseable {
    private final PrintWriter err;
    private final String task;
    private final int steps;
    private final java.util.function.BooleanSupplier stop;
    private PreviewWriter previews;
    private ProgressBar bar;

    private ProgressReporter(PrintWriter err, String task, int steps, boolean terminal, java.util.function.BooleanSupplier stop) {
        this.err = err;
        this.task = task;
        this.steps = steps;
        this.stop = stop;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" it", 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
    }

    /** A bar when the process's console is an interactive terminal, plain lines on {@code err} otherwise. */
    static ProgressReporter forConsole(PrintWriter err, String task, int steps) {
        return forConsole(err, task, steps, () -> false);
    }

    /** The same, asking the generation to stop (between steps) once {@code stop} says so. */
    static ProgressReporter forConsole(PrintWriter err, String task, int steps, java.util.function.BooleanSupplier stop) {
        java.io.Console console = System.console();
        return new ProgressReporter(err, task, steps, console != null && console.isTerminal(), stop);
    }

    @Override
    public boolean cancelled() {
        return stop.getAsBoolean();
    }

    /** Writes previews with {@code writer} (null: none); returns this. */
    ProgressReporter previewing(PreviewWriter writer) {
        this.previews = writer;
        return this;
    }

    @Override
    public int previewEvery() {
        return previews == null ? 0 : previews.every();
    }

    @Override
    public void preview(int done, jdit.tensor.Tensor decoded) {
        previews.write(done, decoded);
    }

    @Override
    public void stepDone(StepProgress p) {
        if (bar != null) {
            bar.stepTo(p.done());
            return;
        }
        err.printf("%s: step %d/%d, %.2f it/s, ETA %s%n", task, p.done(), steps, p.stepsPerSecond(),
                formatSeconds(p.secondsLeft()));
        err.flush();
    }

    static String formatSeconds(double s) {
        if (Double.isNaN(s)) {
            return "?";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String.format("%d:%02d", t / 60, t % 60);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
