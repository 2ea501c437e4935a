package jdit.profile;

import jdit.tensor.Workspace;

/**
 * Times whole model forwards: warm-ups first (the JIT, and the workspace's first touch of fresh memory, about 1 s per
 * GiB here), then the op statistics cleared and each timed forward's seconds recorded, the step workspace given back
 * after every forward.
 */
final class ForwardTimer {
    private ForwardTimer() {
    }

    static double[] time(int warmups, int reps, Workspace step, OpStats stats, Runnable forward) {
        for (int w = 0; w < warmups; w++) {
            forward.run();
            step.releaseAll();
        }
        stats.clear();
        double[] seconds = new double[reps];
        for (int r = 0; r < reps; r++) {
            long s0 = System.nanoTime();
            forward.run();
            seconds[r] = (System.nanoTime() - s0) / 1e9;
            step.releaseAll();
        }
        return seconds;
    }
}
