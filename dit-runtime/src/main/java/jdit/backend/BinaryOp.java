package jdit.backend;

/** Element-wise functions of two tensors. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN
}
