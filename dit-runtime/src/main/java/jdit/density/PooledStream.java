package jdit.density;

import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.nn.GridPooling;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The dense token stream kept aside while a span's blocks run on pooled tokens. Entering pools the stream; leaving
 * adds what the pooled blocks changed, upsampled to the dense grid, to the stream as it was:
 * {@code dense + up(after − before)}. Fine detail the span never saw is kept, and a span whose blocks change nothing
 * returns the stream unchanged.
 */
public final class PooledStream {
    private final Tensor dense;
    private final Tensor before;
    private final TokenGrid full;
    private final TokenGrid pooled;

    private PooledStream(Tensor dense, Tensor before, TokenGrid full, TokenGrid pooled) {
        this.dense = dense;
        this.before = before;
        this.full = full;
        this.pooled = pooled;
    }

    /** Keeps {@code h} [B, full.tokens, D] aside and pools it; {@link #tokens} are what the span's blocks run on. */
    public static PooledStream enter(Tensor h, TokenGrid full, PoolSpan span, Backend be, Workspace ws) {
        TokenGrid pooled = span.pooled(full);
        Tensor before = ws.allocate(DType.F32, h.dim(0), pooled.tokens(), h.dim(2));
        GridPooling.pool(h, full, pooled, before, be.memory(), ws);
        return new PooledStream(h, before, full, pooled);
    }

    /** The pooled grid the span's blocks see. */
    public TokenGrid grid() {
        return pooled;
    }

    /** A fresh copy of the pooled tokens for the span's first block. */
    public Tensor tokens(Workspace ws) {
        return ws.copy(before);
    }

    /** Merges the span's output {@code after} [B, pooled.tokens, D] back; releases it; returns the dense stream. */
    public Tensor leave(Tensor after, Backend be, Workspace ws) {
        be.pointwise().binary(BinaryOp.SUB, after, before, after);
        GridPooling.upsample(after, pooled, full, dense, true, be, ws);
        ws.release(after);
        ws.release(before);
        return dense;
    }
}
