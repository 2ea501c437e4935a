package jdit.backend;

/** Element-wise functions, used alone and as gemm epilogues. */
public enum UnaryOp {
    IDENTITY,
    /** GELU with the tanh approximation (PyTorch {@code approximate="tanh"}), as DiT's MLP uses. */
    GELU_TANH,
    /** Exact GELU, {@code x * Phi(x)} with the error function. */
    GELU_ERF,
    /** {@code x * sigmoid(x)}. */
    SILU,
    RELU,
    SIGMOID,
    TANH,
    EXP
}
