package jdit.attention;

import jdit.tensor.Tensor;

/** Applying a method's token order to a sequence of tokens, and undoing it. */
public final class TokenOrders {
    private TokenOrders() {
    }

    /** {@code out[b, i] = x[b, order[i]]}: x and out [B, S, D], out contiguous. */
    public static void gather(Tensor x, int[] order, Tensor out) {
        check(x, order, out);
        for (long b = 0; b < x.dim(0); b++) {
            for (int i = 0; i < order.length; i++) {
                x.select(0, b).select(0, order[i]).copyTo(out.select(0, b).select(0, i));
            }
        }
    }

    /** {@code out[b, order[i]] = x[b, i]}: the inverse of {@link #gather}. */
    public static void scatter(Tensor x, int[] order, Tensor out) {
        check(x, order, out);
        for (long b = 0; b < x.dim(0); b++) {
            for (int i = 0; i < order.length; i++) {
                x.select(0, b).select(0, i).copyTo(out.select(0, b).select(0, order[i]));
            }
        }
    }

    private static void check(Tensor x, int[] order, Tensor out) {
        if (x.rank() != 3 || !x.shape().equals(out.shape()) || x.dim(1) != order.length) {
            throw new IllegalArgumentException("token order of " + order.length + " for tokens " + x.shape() + " -> " + out.shape());
        }
    }
}
