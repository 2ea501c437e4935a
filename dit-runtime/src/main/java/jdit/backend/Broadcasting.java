package jdit.backend;

import jdit.tensor.Shape;

/** NumPy broadcasting rules, checked once at the edge of the binary ops. */
public final class Broadcasting {
    private Broadcasting() {
    }

    /** Throws unless {@code operand} broadcasts to {@code out}: trailing dims aligned, each 1 or equal. */
    public static void check(Shape operand, Shape out, String what) {
        if (operand.rank() > out.rank()) {
            throw new IllegalArgumentException(what + " " + operand + " has more dims than the output " + out);
        }
        int shift = out.rank() - operand.rank();
        for (int d = 0; d < operand.rank(); d++) {
            if (operand.dim(d) != 1 && operand.dim(d) != out.dim(d + shift)) {
                throw new IllegalArgumentException(what + " " + operand + " does not broadcast to " + out);
            }
        }
    }
}
