package jdit.backend;

/** Reductions along one axis. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN
}
