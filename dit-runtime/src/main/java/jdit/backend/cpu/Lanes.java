package jdit.backend.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Reductions across vector lanes in a fixed order. The Vector API leaves the order of {@code reduceLanes(ADD)}
 * unspecified, and its interpreted and compiled forms do differ in the last bits, so a result would depend on when
 * the JIT compiled the kernel; generations must be bit-reproducible, so every float sum goes through here.
 */
final class Lanes {
    private Lanes() {
    }

    /** The lanes summed left to right, in double. */
    static double sum(FloatVector v) {
        float[] lanes = v.toArray();
        double s = 0;
        for (float f : lanes) {
            s += f;
        }
        return s;
    }
}
