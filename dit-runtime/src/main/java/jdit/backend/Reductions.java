package jdit.backend;

import jdit.tensor.Tensor;

/** Reductions. */
public interface Reductions {
    /**
     * Reduces x along {@code axis}: out has x's shape with that axis removed (or kept with extent 1; both are
     * accepted). Sums accumulate in double precision.
     */
    void reduce(ReduceOp op, Tensor x, int axis, Tensor out);
}
