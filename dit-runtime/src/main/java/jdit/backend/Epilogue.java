package jdit.backend;

import jdit.tensor.Tensor;

/**
 * What a gemm does besides the product: {@code out = act(alpha * a·op(b) + bias) + residual}.
 *
 * @param bias        F32 [N] added to every row, or null
 * @param activation  applied after the bias
 * @param residual    F32 with out's shape added after the activation, or null; may be {@code out} itself
 * @param alpha       scale of the product
 * @param transposedB true when b is stored [N, K] (a PyTorch {@code Linear.weight}), false for [K, N]
 */
public record Epilogue(Tensor bias, UnaryOp activation, Tensor residual, float alpha, boolean transposedB) {
    public Epilogue {
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null; use UnaryOp.IDENTITY");
        }
    }

    /** A plain product, b stored [K, N]. */
    public static final Epilogue NONE = new Epilogue(null, UnaryOp.IDENTITY, null, 1f, false);

    /** A {@code Linear} layer: b is the weight [out, in], with an optional bias. */
    public static Epilogue linear(Tensor bias) {
        return new Epilogue(bias, UnaryOp.IDENTITY, null, 1f, true);
    }

    public Epilogue withActivation(UnaryOp op) {
        return new Epilogue(bias, op, residual, alpha, transposedB);
    }

    public Epilogue withResidual(Tensor r) {
        return new Epilogue(bias, activation, r, alpha, transposedB);
    }

    public Epilogue withAlpha(float a) {
        return new Epilogue(bias, activation, residual, a, transposedB);
    }

    public Epilogue transposed() {
        return new Epilogue(bias, activation, residual, alpha, true);
    }
}
