package jdit.attention;

import jdit.backend.Memory;
import jdit.backend.Transfers;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/** Applying a method's token order to a sequence of tokens, and undoing it, on the tokens' device. */
public final class TokenOrders {
    private TokenOrders() {
    }

    /** {@code out[b, i] = x[b, order[i]]}: x and out [B, S, D], contiguous, on {@code ws}'s device. */
    public static void gather(Tensor x, int[] order, Tensor out, Memory memory, Workspace ws) {
        check(x, order, out);
        Tensor index = Transfers.index(order, memory, ws);
        memory.gatherRows(x, index, out);
        ws.release(index);
    }

    /** {@code out[b, order[i]] = x[b, i]}: the inverse of {@link #gather}. */
    public static void scatter(Tensor x, int[] order, Tensor out, Memory memory, Workspace ws) {
        check(x, order, out);
        Tensor index = Transfers.index(order, memory, ws);
        memory.scatterRows(x, index, out);
        ws.release(index);
    }

    private static void check(Tensor x, int[] order, Tensor out) {
        if (x.rank() != 3 || !x.shape().equals(out.shape()) || x.dim(1) != order.length) {
            throw new IllegalArgumentException("token order of " + order.length + " for tokens " + x.shape() + " -> " + out.shape());
        }
    }
}
